import { AppError, type CreateProjectInput, type ProjectDto } from "@threatline/domain";
import { Prisma, type Db, type Project } from "@threatline/db";
import { type Actor, readableTeams, requireRole } from "../auth/context.ts";

const byName = new Intl.Collator("en", { sensitivity: "base", numeric: true });

export function toProjectDto(p: Project): ProjectDto {
  return {
    id: p.id,
    teamId: p.teamId,
    name: p.name,
    description: p.description,
    createdAt: p.createdAt.toISOString(),
    riskScore: p.riskScore,
    threatCount: p.threatCount,
    lastAnalyzedAt: p.lastAnalyzedAt?.toISOString() ?? null,
  };
}

const projectNotFound = () => new AppError("project/not-found", "No such project.");

/** Loads a project the actor may see with at least `need`; 404 otherwise. */
export async function getProjectFor(
  db: Db,
  actor: Actor,
  id: string,
  need: "viewer" | "editor" | "admin" = "viewer",
): Promise<Project> {
  const project = await db.project.findUnique({ where: { id } });
  if (!project) throw projectNotFound();
  requireRole(actor, project.teamId, need, projectNotFound());
  return project;
}

export async function listProjects(db: Db, actor: Actor, filter: { name?: string } = {}): Promise<ProjectDto[]> {
  const projects = await db.project.findMany({
    where: { teamId: { in: readableTeams(actor) }, ...(filter.name ? { name: filter.name } : {}) },
    orderBy: { name: "asc" },
  });
  // By name as people read it: case-insensitive, whatever the database's collation.
  return projects.sort((a, b) => byName.compare(a.name, b.name)).map(toProjectDto);
}

export async function createProject(db: Db, actor: Actor, input: CreateProjectInput): Promise<ProjectDto> {
  const teamId = input.teamId ?? defaultTeamOf(actor);
  requireRole(actor, teamId, "editor", new AppError("request/invalid", "No such team."));
  try {
    const project = await db.project.create({ data: { teamId, name: input.name, description: input.description } });
    return toProjectDto(project);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("project/name-taken", `A project named "${input.name}" already exists in this team.`);
    }
    throw error;
  }
}

/** The team a new project lands in when none is named: the actor's only team, else an error. */
function defaultTeamOf(actor: Actor): string {
  const writable = [...actor.teams].filter(([, role]) => role !== "viewer").map(([id]) => id);
  if (writable.length === 1 && writable[0]) return writable[0];
  throw new AppError(
    "request/invalid",
    writable.length === 0
      ? "You cannot create projects in any team."
      : "Name the team (teamId): you belong to several.",
  );
}
