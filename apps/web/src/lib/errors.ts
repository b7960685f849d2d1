import type { ApiError } from "../api/http.ts";

/** What to tell people about an API error, chosen by its code; the server's message is the detail. */
export function errorText(error: Pick<ApiError, "code" | "message">): { title: string; hint: string } {
  switch (error.code) {
    case "network/offline":
      return { title: "The server cannot be reached", hint: "Check your connection; the page retries when you ask." };
    case "project/not-found":
      return { title: "No such project", hint: "It may have been deleted, or belong to a team you are not in." };
    case "analysis/not-found":
      return { title: "No such analysis", hint: "It may have been deleted, or belong to a team you are not in." };
    case "batch/not-found":
      return { title: "No such batch", hint: "It may have been deleted, or belong to a team you are not in." };
    case "auth/unauthenticated":
      return { title: "Please sign in", hint: "Your session has ended." };
    case "auth/forbidden":
      return { title: "Not allowed", hint: error.message };
    case "queue/unavailable":
      return { title: "The job queue is down", hint: "Nothing was submitted. Try again in a moment." };
    case "database/unavailable":
      return { title: "The database is down", hint: "Try again in a moment." };
    case "request/too-large":
    case "request/too-many-files":
    case "template/too-large":
    case "archive/too-large":
      return { title: "Too large", hint: error.message };
    case "project/name-taken":
      return { title: "That name is taken", hint: "Pick another project name." };
    default:
      return { title: "Something went wrong", hint: error.message };
  }
}
