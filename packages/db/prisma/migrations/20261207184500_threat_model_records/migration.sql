-- CreateEnum
CREATE TYPE "MitigationStatus" AS ENUM ('identified', 'in_progress', 'done', 'wont_do');

-- AlterTable
ALTER TABLE "Threat" ADD COLUMN     "createdById" UUID,
ALTER COLUMN "analysisId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "ThreatEdit" (
    "projectId" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "severity" "Severity",
    "updatedById" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ThreatEdit_pkey" PRIMARY KEY ("projectId","fingerprint")
);

-- CreateTable
CREATE TABLE "Mitigation" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" "MitigationStatus" NOT NULL DEFAULT 'identified',
    "owner" TEXT,
    "ticketUrl" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Mitigation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MitigationThreat" (
    "mitigationId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,

    CONSTRAINT "MitigationThreat_pkey" PRIMARY KEY ("mitigationId","fingerprint")
);

-- CreateTable
CREATE TABLE "Assumption" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "fingerprints" TEXT[],
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Assumption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Mitigation_projectId_idx" ON "Mitigation"("projectId");

-- CreateIndex
CREATE INDEX "MitigationThreat_projectId_fingerprint_idx" ON "MitigationThreat"("projectId", "fingerprint");

-- CreateIndex
CREATE INDEX "Assumption_projectId_idx" ON "Assumption"("projectId");

-- AddForeignKey
ALTER TABLE "ThreatEdit" ADD CONSTRAINT "ThreatEdit_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mitigation" ADD CONSTRAINT "Mitigation_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MitigationThreat" ADD CONSTRAINT "MitigationThreat_mitigationId_fkey" FOREIGN KEY ("mitigationId") REFERENCES "Mitigation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assumption" ADD CONSTRAINT "Assumption_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Threats written by hand have no analysis, and a project's are read on every risk refresh. Not in schema.prisma
-- (Prisma cannot declare a partial index), and `migrate diff` between schemas does not see it, so nothing drops it.
CREATE INDEX "Threat_manual_projectId_idx" ON "Threat"("projectId") WHERE "analysisId" IS NULL;
