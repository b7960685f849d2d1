-- AlterTable: the key a title sort orders by, lower(title), computed by the database (Prisma cannot order by an
-- expression, and PGlite has no ICU collation to declare on the column). Prisma declares it dbgenerated().
ALTER TABLE "Threat" ADD COLUMN "titleSort" TEXT NOT NULL GENERATED ALWAYS AS (lower("title")) STORED;
