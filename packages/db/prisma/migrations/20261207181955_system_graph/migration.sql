-- CreateTable
CREATE TABLE "SystemGraph" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "stateKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nodeCount" INTEGER NOT NULL,
    "edgeCount" INTEGER NOT NULL,
    "graph" JSONB NOT NULL,

    CONSTRAINT "SystemGraph_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SystemGraph_projectId_version_key" ON "SystemGraph"("projectId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "SystemGraph_projectId_stateKey_key" ON "SystemGraph"("projectId", "stateKey");

-- AddForeignKey
ALTER TABLE "SystemGraph" ADD CONSTRAINT "SystemGraph_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

