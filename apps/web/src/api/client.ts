import type {
  AnalysisDto,
  AnalysisEvent,
  AnalysisSourceDto,
  BatchDto,
  BatchListQuery,
  CurrentThreatDto,
  CurrentThreatQuery,
  DashboardDto,
  HygieneSummary,
  LlmSettingsDto,
  ProjectDto,
  RiskPoint,
  SubmissionLimitsDto,
  SubmissionResult,
  SystemGraphDto,
  TemplateSummary,
  ThreatDiffDto,
  ThreatQuery,
  ThreatSummaryDto,
  TriageDecision,
  TriageDto,
  TriageResultDto,
  Assumption,
  AssumptionInput,
  ManualThreatInput,
  Mitigation,
  MitigationInput,
  MitigationPatch,
  ThreatEditInput,
  ExpiringAcceptanceDto,
  PersonRef,
  ThreatCommentDto,
  ThreatFollowUpDto,
  ThreatFollowUpPatch,
  WebhookDeliveryDto,
  WebhookDto,
  WebhookInput,
  WebhookPatch,
} from "@threatline/domain";
import { BATCH_STREAM_EVENT_NAMES, parseBatchStreamEvent } from "@threatline/domain";
import { apiUrl, createFetchHttp, sessionSignal, type Http } from "./http.ts";
import type {
  ApiTokenDto,
  AuditEventDto,
  AuditQueryInput,
  CreatedTokenDto,
  CreateTokenInput,
  CreateUserInput,
  EndedSessionsDto,
  MemberDto,
  Role,
  SessionDto,
  SessionInfoDto,
  TeamBudgetDto,
  TeamDto,
  UserDto,
} from "@threatline/domain";
export {
  TOKEN_SCOPES,
  type ApiTokenDto,
  type AuditEventDto,
  type AuditQueryInput,
  type CreatedTokenDto,
  type CreateTokenInput,
  type CreateUserInput,
  type MemberDto,
  type Role,
  type SessionDto,
  type SessionInfoDto,
  type TeamBudgetDto,
  type TeamDto,
  type TokenScope,
  type UserDto,
} from "@threatline/domain";

/**
 * Who the SPA takes to be signed in: the server's session, or, against a server without accounts (no
 * `/auth/session` route), everyone as no one in particular.
 */
export type SessionState =
  SessionDto | { authenticated: true; via?: undefined; user: null; teams?: undefined; csrfToken?: undefined };

/** A threat of one analysis as `GET /analyses/:id/threats` answers it. */
export type AnalysisThreatDto = Omit<
  CurrentThreatDto,
  | "path"
  | "triageOwner"
  | "triageExpiresAt"
  | "triageNote"
  | "mitigations"
  | "mitigatedByControls"
  | "assignee"
  | "ticketUrl"
  | "commentCount"
>;

export interface Page<T> {
  total: number;
  items: T[];
  /** With `hygiene=exclude`: the low and info threats left out, counted per file. */
  hygiene?: HygieneSummary;
}

/** A file to submit, with the path it had inside a dropped folder. */
export interface UploadFile {
  path: string;
  file: Blob;
}

export const EXPORT_FORMATS = [
  "sarif",
  "csv",
  "xlsx",
  "markdown",
  "html",
  "json",
  "threat-composer",
  "threat-dragon",
  "otm",
  "prototype-json",
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface BatchEventHandlers {
  snapshot(batch: BatchDto): void;
  analysis(event: AnalysisEvent): void;
  done(batch: BatchDto): void;
  /** The stream broke; EventSource reconnects by itself. */
  error(): void;
}

/** Opens a live stream of a batch's progress; returns a function that closes it. */
export type BatchEventSource = (batchId: string, handlers: BatchEventHandlers) => () => void;

type Filters<Q> = Partial<Omit<Q, "limit" | "offset">> & { limit?: number; offset?: number };

/** Every endpoint the SPA calls, typed with the shared DTOs. */
export function createApi(http: Http, events: BatchEventSource = browserBatchEvents) {
  return {
    session: () => http<SessionDto>("GET", "/auth/session"),
    login: (email: string, password: string) => http<SessionDto>("POST", "/auth/login", { json: { email, password } }),
    logout: () => http<undefined>("POST", "/auth/logout"),
    changePassword: (currentPassword: string, newPassword: string) =>
      http<undefined>("POST", "/auth/password", { json: { currentPassword, newPassword } }),
    listSessions: () => http<{ items: SessionInfoDto[] }>("GET", "/auth/sessions").then((r) => r.items),
    endOtherSessions: () => http<EndedSessionsDto>("POST", "/auth/sessions/end-others"),
    listProjects: () => http<{ items: ProjectDto[] }>("GET", "/projects").then((r) => r.items),
    getProject: (id: string) => http<ProjectDto>("GET", `/projects/${id}`),
    createProject: (input: { name: string; description?: string; teamId?: string }) =>
      http<ProjectDto>("POST", "/projects", { json: input }),
    submit(projectId: string, files: UploadFile[], force = false) {
      const form = new FormData();
      form.set("source", "web");
      form.set("force", String(force));
      for (const f of files) {
        form.append("paths", f.path);
        form.append("files", f.file, f.path.split("/").pop() ?? f.path);
      }
      return http<SubmissionResult>("POST", `/projects/${projectId}/submissions`, { form });
    },
    submissionLimits: () => http<SubmissionLimitsDto>("GET", "/settings/submissions"),
    listBatches: (query: Partial<BatchListQuery> = {}) =>
      http<{ items: BatchDto[] }>("GET", "/batches", { query }).then((r) => r.items),
    getBatch: (id: string) => http<BatchDto>("GET", `/batches/${id}`),
    cancelBatch: (id: string) => http<BatchDto>("POST", `/batches/${id}/cancel`),
    batchEvents: closedWithSession(events),
    getAnalysis: (id: string) => http<AnalysisDto>("GET", `/analyses/${id}`),
    analysisThreats: (id: string, query: Filters<ThreatQuery>) =>
      http<Page<AnalysisThreatDto>>("GET", `/analyses/${id}/threats`, { query }),
    analysisThreatSummary: (id: string) => http<ThreatSummaryDto>("GET", `/analyses/${id}/threat-summary`),
    /** `reveal` shows secret values as written (editor role; audited); otherwise they come masked. */
    analysisSource: (id: string, reveal = false) =>
      http<AnalysisSourceDto>("GET", `/analyses/${id}/source`, reveal ? { query: { reveal: "true" } } : {}),
    retryAnalysis: (id: string, force: boolean) =>
      http<AnalysisDto>("POST", `/analyses/${id}/retry`, { json: { force } }),
    dashboard: (days = 30) => http<DashboardDto>("GET", "/dashboard", { query: { days } }),
    templates: (projectId: string) =>
      http<{ items: TemplateSummary[] }>("GET", `/projects/${projectId}/templates`).then((r) => r.items),
    timeline: (projectId: string, limit = 100) =>
      http<{ items: AnalysisDto[] }>("GET", `/projects/${projectId}/timeline`, { query: { limit } }).then(
        (r) => r.items,
      ),
    trend: (projectId: string, days = 90) =>
      http<{ items: RiskPoint[] }>("GET", `/projects/${projectId}/trend`, { query: { days } }).then((r) => r.items),
    currentThreats: (projectId: string, query: Filters<CurrentThreatQuery>) =>
      http<Page<CurrentThreatDto>>("GET", `/projects/${projectId}/threats`, { query }),
    diff: (projectId: string, from: string, to: string) =>
      http<ThreatDiffDto>("GET", `/projects/${projectId}/diff`, { query: { from, to } }),
    systemGraph: (projectId: string, version?: number) =>
      http<SystemGraphDto>("GET", `/projects/${projectId}/system-graph`, {
        query: version === undefined ? {} : { version },
      }),
    triage: (projectId: string) =>
      http<{ items: TriageDto[] }>("GET", `/projects/${projectId}/triage`).then((r) => r.items),
    decide: (projectId: string, fingerprints: string[], decision: TriageDecision) =>
      fingerprints.length === 1
        ? http<TriageResultDto>("PUT", `/projects/${projectId}/triage/${encodeURIComponent(fingerprints[0]!)}`, {
            json: decision,
          })
        : http<TriageResultDto>("POST", `/projects/${projectId}/triage`, { json: { fingerprints, decision } }),
    createThreat: (projectId: string, input: ManualThreatInput) =>
      http<CurrentThreatDto>("POST", `/projects/${projectId}/threats`, { json: input }),
    editThreat: (projectId: string, fingerprint: string, input: ThreatEditInput) =>
      http<{ fingerprint: string }>("PATCH", `/projects/${projectId}/threats/${encodeURIComponent(fingerprint)}`, {
        json: input,
      }),
    deleteThreat: (projectId: string, fingerprint: string) =>
      http<undefined>("DELETE", `/projects/${projectId}/threats/${encodeURIComponent(fingerprint)}`),
    mitigations: (projectId: string) =>
      http<{ items: Mitigation[] }>("GET", `/projects/${projectId}/mitigations`).then((r) => r.items),
    createMitigation: (projectId: string, input: Partial<MitigationInput> & { title: string }) =>
      http<Mitigation>("POST", `/projects/${projectId}/mitigations`, { json: input }),
    updateMitigation: (projectId: string, id: string, patch: MitigationPatch) =>
      http<Mitigation>("PATCH", `/projects/${projectId}/mitigations/${id}`, { json: patch }),
    deleteMitigation: (projectId: string, id: string) =>
      http<undefined>("DELETE", `/projects/${projectId}/mitigations/${id}`),
    assumptions: (projectId: string) =>
      http<{ items: Assumption[] }>("GET", `/projects/${projectId}/assumptions`).then((r) => r.items),
    createAssumption: (projectId: string, input: Partial<AssumptionInput> & { text: string }) =>
      http<Assumption>("POST", `/projects/${projectId}/assumptions`, { json: input }),
    deleteAssumption: (projectId: string, id: string) =>
      http<undefined>("DELETE", `/projects/${projectId}/assumptions/${id}`),
    projectMembers: (projectId: string) =>
      http<{ items: PersonRef[] }>("GET", `/projects/${projectId}/members`).then((r) => r.items),
    followUp: (projectId: string, fingerprint: string) =>
      http<ThreatFollowUpDto & { comments: ThreatCommentDto[] }>(
        "GET",
        `/projects/${projectId}/threats/${encodeURIComponent(fingerprint)}/follow-up`,
      ),
    setFollowUp: (projectId: string, fingerprint: string, patch: ThreatFollowUpPatch) =>
      http<ThreatFollowUpDto>("PATCH", `/projects/${projectId}/threats/${encodeURIComponent(fingerprint)}/follow-up`, {
        json: patch,
      }),
    addComment: (projectId: string, fingerprint: string, body: string) =>
      http<ThreatCommentDto>("POST", `/projects/${projectId}/threats/${encodeURIComponent(fingerprint)}/comments`, {
        json: { body },
      }),
    deleteComment: (projectId: string, fingerprint: string, id: string) =>
      http<undefined>(
        "DELETE",
        `/projects/${projectId}/threats/${encodeURIComponent(fingerprint)}/comments/${encodeURIComponent(id)}`,
      ),
    webhooks: (teamId: string) =>
      http<{ items: WebhookDto[] }>("GET", `/teams/${encodeURIComponent(teamId)}/webhooks`).then((r) => r.items),
    createWebhook: (teamId: string, input: Partial<WebhookInput> & Pick<WebhookInput, "url" | "events">) =>
      http<WebhookDto>("POST", `/teams/${encodeURIComponent(teamId)}/webhooks`, { json: input }),
    updateWebhook: (teamId: string, id: string, patch: WebhookPatch) =>
      http<WebhookDto>("PATCH", `/teams/${encodeURIComponent(teamId)}/webhooks/${id}`, { json: patch }),
    deleteWebhook: (teamId: string, id: string) =>
      http<undefined>("DELETE", `/teams/${encodeURIComponent(teamId)}/webhooks/${id}`),
    testWebhook: (teamId: string, id: string) =>
      http<{ queued: boolean }>("POST", `/teams/${encodeURIComponent(teamId)}/webhooks/${id}/test`),
    webhookDeliveries: (teamId: string, id: string) =>
      http<{ items: WebhookDeliveryDto[] }>(
        "GET",
        `/teams/${encodeURIComponent(teamId)}/webhooks/${id}/deliveries`,
      ).then((r) => r.items),
    expiringAcceptances: (days = 14) =>
      http<{ items: ExpiringAcceptanceDto[] }>("GET", "/dashboard/expiring", { query: { days } }).then((r) => r.items),
    listTokens: () => http<{ items: ApiTokenDto[] }>("GET", "/tokens").then((r) => r.items),
    createToken: (input: CreateTokenInput) => http<CreatedTokenDto>("POST", "/tokens", { json: input }),
    revokeToken: (id: string) => http<ApiTokenDto>("DELETE", `/tokens/${encodeURIComponent(id)}`),
    listAudit: (query: AuditQueryInput) =>
      http<{ items: AuditEventDto[] }>("GET", "/audit", { query: { ...query } }).then((r) => r.items),
    listUsers: () => http<{ items: UserDto[] }>("GET", "/users").then((r) => r.items),
    createUser: (input: CreateUserInput) => http<UserDto>("POST", "/users", { json: input }),
    unlockUser: (id: string) => http<UserDto>("POST", `/users/${encodeURIComponent(id)}/unlock`),
    deleteUser: (id: string) => http<undefined>("DELETE", `/users/${encodeURIComponent(id)}`),
    listTeams: () => http<{ items: TeamDto[] }>("GET", "/teams").then((r) => r.items),
    createTeam: (name: string) => http<TeamDto>("POST", "/teams", { json: { name } }),
    listMembers: (teamId: string) =>
      http<{ items: MemberDto[] }>("GET", `/teams/${encodeURIComponent(teamId)}/members`).then((r) => r.items),
    addMember: (teamId: string, email: string, role: Role) =>
      http<MemberDto>("POST", `/teams/${encodeURIComponent(teamId)}/members`, { json: { email, role } }),
    changeRole: (teamId: string, userId: string, role: Role) =>
      http<MemberDto>("PATCH", `/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`, {
        json: { role },
      }),
    removeMember: (teamId: string, userId: string) =>
      http<undefined>("DELETE", `/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`),
    setBudget: (teamId: string, llmBudgetUsd: number | null) =>
      http<TeamBudgetDto>("PUT", `/teams/${encodeURIComponent(teamId)}/budget`, { json: { llmBudgetUsd } }),
    llmSettings: () => http<LlmSettingsDto>("GET", "/settings/llm"),
    importDocument: (projectId: string, filename: string, document: unknown) =>
      http<unknown>("POST", `/projects/${projectId}/imports`, { query: { filename }, json: document }),
    /** STRIDE GPT's Markdown, sent as text. */
    importMarkdown: (projectId: string, filename: string, markdown: string) =>
      http<unknown>("POST", `/projects/${projectId}/imports`, {
        query: { filename },
        text: { body: markdown, type: "text/markdown; charset=utf-8" },
      }),
    /** A download link: the browser fetches it with the session's cookies. */
    exportUrl: (kind: "analyses" | "batches" | "projects", id: string, format: ExportFormat) =>
      apiUrl(`/${kind}/${id}/export`, { format }),
  };
}

export type Api = ReturnType<typeof createApi>;

/** A stream that also closes when the session it was opened in ends (sign-out, 401). */
function closedWithSession(events: BatchEventSource): BatchEventSource {
  return (batchId, handlers) => {
    const session = sessionSignal();
    if (session.aborted) return () => undefined;
    const close = events(batchId, handlers);
    session.addEventListener("abort", close, { once: true });
    return () => {
      session.removeEventListener("abort", close);
      close();
    };
  };
}

/** Batch progress over Server-Sent Events. */
export const browserBatchEvents: BatchEventSource = (batchId, handlers) => {
  const source = new EventSource(apiUrl(`/batches/${batchId}/events`), { withCredentials: true });
  for (const name of BATCH_STREAM_EVENT_NAMES)
    source.addEventListener(name, (e) => {
      const message = parseBatchStreamEvent(name, (e as MessageEvent<string>).data);
      if (!message) return;
      if (message.event === "snapshot") handlers.snapshot(message.data);
      else if (message.event === "analysis") handlers.analysis(message.data);
      else {
        source.close();
        handlers.done(message.data);
      }
    });
  source.onerror = () => handlers.error();
  return () => source.close();
};

let current: Api | undefined;

/** The API the stores use; tests swap in a fake with `provideApi`. */
export function useApi(): Api {
  current ??= createApi(createFetchHttp());
  return current;
}

export function provideApi(api: Api): void {
  current = api;
}
