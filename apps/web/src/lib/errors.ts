import type { ApiError } from "../api/http.ts";

type Text = (error: Pick<ApiError, "code" | "message">) => { title: string; hint: string };

const gone =
  (what: string): Text =>
  () => ({ title: `No such ${what}`, hint: "It may have been deleted, or belong to a team you are not in." });
const tooLarge: Text = (e) => ({ title: "Too large", hint: e.message });

/** Texts for the codes people meet in the SPA; any other code shows the server's message. */
const TEXTS: Partial<Record<ApiError["code"], Text>> = {
  "network/offline": () => ({ title: "The server cannot be reached", hint: "Check your connection, then try again." }),
  "project/not-found": gone("project"),
  "analysis/not-found": gone("analysis"),
  "batch/not-found": gone("batch"),
  "auth/unauthenticated": () => ({ title: "Please sign in", hint: "Your session has ended." }),
  "auth/forbidden": (e) => ({ title: "Not allowed", hint: e.message }),
  "auth/csrf": () => ({ title: "Your session is out of date", hint: "Reload the page and try again." }),
  "queue/unavailable": () => ({
    title: "The job queue is down",
    hint: "Nothing was submitted. Try again in a moment.",
  }),
  "database/unavailable": () => ({ title: "The database is down", hint: "Try again in a moment." }),
  "request/too-large": tooLarge,
  "request/too-many-files": tooLarge,
  "template/too-large": tooLarge,
  "archive/too-large": tooLarge,
  "archive/encrypted": () => ({ title: "Encrypted archive", hint: "Zip the templates without a password." }),
  "template/too-deep": (e) => ({ title: "Nested too deeply", hint: e.message }),
  "template/line-too-long": (e) => ({ title: "A line is too long", hint: e.message }),
  "project/name-taken": () => ({ title: "That name is taken", hint: "Pick another project name." }),
  "analysis/not-retryable": (e) => ({ title: "Cannot re-run yet", hint: e.message }),
  "request/invalid": (e) => ({ title: "Not accepted", hint: e.message }),
  "request/not-found": (e) => ({ title: "Not found", hint: e.message }),
  "auth/rate-limited": () => ({ title: "Too many attempts", hint: "Wait a minute, then try again." }),
};

/** One line for a toast or an inline alert: the title and what to do. */
export function errorLine(error: Pick<ApiError, "code" | "message">): string {
  const { title, hint } = errorText(error);
  return `${title}: ${hint}`;
}

/** What to tell people about an API error, chosen by its code; the server's message is the detail. */
export function errorText(error: Pick<ApiError, "code" | "message">): { title: string; hint: string } {
  return TEXTS[error.code]?.(error) ?? { title: "Something went wrong", hint: error.message };
}
