import { defineStore } from "pinia";
import { ref } from "vue";
import type { ProjectDto } from "@threatline/domain";
import { useApi } from "../api/client.ts";
import { ApiError } from "../api/http.ts";
import { compareText } from "../lib/format.ts";
import { asyncState } from "./async.ts";

/** The projects the user can see. */
export const useProjectsStore = defineStore("projects", () => {
  const items = ref<ProjectDto[]>([]);
  const loaded = ref(false);
  const list = asyncState();
  const creating = asyncState();

  async function load() {
    const result = await list.run(() => useApi().listProjects());
    if (result) {
      items.value = result;
      loaded.value = true;
    }
  }

  /** Creates a project and adds it to the list; undefined (with `creating.error` set) when refused. */
  async function create(name: string, description = "", teamId?: string | null): Promise<ProjectDto | undefined> {
    const project = await creating.run(() =>
      useApi().createProject({ name, description, ...(teamId ? { teamId } : {}) }),
    );
    if (project) items.value = [...items.value, project].sort((a, b) => compareText(a.name, b.name));
    return project;
  }

  const importing = asyncState();
  /**
   * Imports a threat model from another tool into a project: a JSON document (prototype, Threat Composer, Threat
   * Dragon v2, OTM, STRIDE GPT), or STRIDE GPT's Markdown, which the server reads as text.
   */
  async function importDocument(projectId: string, filename: string, text: string): Promise<boolean> {
    const result = await importing.run(async () => {
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        if (/\.(md|markdown|txt)$/i.test(filename) || /^\s*\|\s*Threat Type\s*\|/m.test(text))
          return useApi().importMarkdown(projectId, filename, text);
        throw new ApiError("import/invalid", `${filename} is neither JSON nor STRIDE GPT Markdown.`, 400);
      }
      return useApi().importDocument(projectId, filename, document);
    });
    return result !== undefined;
  }

  return {
    importDocument,
    importing: importing.loading,
    importError: importing.error,
    items,
    loaded,
    loading: list.loading,
    error: list.error,
    load,
    create,
    creating: creating.loading,
    createError: creating.error,
  };
});
