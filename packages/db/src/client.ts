import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export type Db = InstanceType<typeof PrismaClient>;

export interface DbOptions {
  /** PostgreSQL connection string. */
  url: string;
  /** Most connections this process holds. */
  poolSize?: number;
}

/**
 * A Prisma client over node-postgres. Prisma's query compiler runs as WebAssembly (`engineType = "client"`),
 * so no native engine is downloaded or loaded.
 */
export function createDb({ url, poolSize = 10 }: DbOptions): Db {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}
