/**
 * What an API security reviewer reads into names: which inputs identify objects, carry URLs or queries, which
 * operations are administrative, authentication flows, or state-changing GETs. Pure string classifiers over the
 * parsed operation, shared by the rules.
 */
import type { ApiParameter, OperationAttrs, SchemaField } from "./parse.ts";

/** Words of a path, operation id or field name: `/api/v1/userProfile/{user_id}` → api v1 user profile user id. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function lastSegment(name: string): string {
  return (name.split(".").pop() ?? name).replace(/\[\]$/, "");
}

/** Path segments that are not parameters. */
export function staticSegments(path: string): string[] {
  return path.split("/").filter((s) => s && !s.startsWith("{"));
}

/**
 * The index of the segment that holds path parameter `name`, also where the segment goes on after it
 * (`{Sid}.json`, `{id}:cancel`); -1 when none does.
 */
export function paramAt(segments: readonly string[], name: string): number {
  return segments.findIndex((s) => s.startsWith(`{${name}}`));
}

/** An input (parameter or top-level body field) as rules read it. */
export interface Input {
  /** Evidence key in the operation's propertyLines (`parameters.id`, `requestBody.user.role`). */
  key: string;
  name: string;
  where: string;
  type?: string;
  format?: string;
  enum?: boolean;
  pattern?: boolean;
  patternText?: string;
  structured?: boolean;
  readOnly?: boolean;
  /** A string that holds a document the server parses (JSON, XML, YAML, serialized data). */
  document?: boolean;
  maxLength?: number;
  /** Nested inside another object of the body (`customer.id`). */
  nested: boolean;
}

export function inputsOf(a: OperationAttrs): Input[] {
  const params = a.parameters.map((p: ApiParameter): Input => ({
    key: `parameters.${p.name}`,
    name: p.name,
    where: p.in,
    ...(p.type !== undefined ? { type: p.type } : {}),
    ...(p.format !== undefined ? { format: p.format } : {}),
    ...(p.maxLength !== undefined ? { maxLength: p.maxLength } : {}),
    ...(p.enum ? { enum: true } : {}),
    ...(p.pattern ? { pattern: true } : {}),
    ...(p.patternText !== undefined ? { patternText: p.patternText } : {}),
    ...(p.structured ? { structured: true } : {}),
    nested: false,
  }));
  const fields = (a.requestBody?.fields ?? [])
    .filter((f) => f.name !== "" && !f.name.startsWith("[]"))
    .map((f: SchemaField): Input => ({
      key: `requestBody.${f.name}`,
      name: lastSegment(f.name),
      where: "body",
      ...(f.type !== undefined ? { type: f.type } : {}),
      ...(f.format !== undefined ? { format: f.format } : {}),
      ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
      ...(f.enum ? { enum: true } : {}),
      ...(f.pattern ? { pattern: true } : {}),
      ...(f.patternText !== undefined ? { patternText: f.patternText } : {}),
      ...(f.readOnly ? { readOnly: true } : {}),
      ...(f.document ? { document: true } : {}),
      nested: f.name.includes("."),
    }));
  return [...params, ...fields];
}

const BOUNDED_FORMATS = new Set([
  "uuid",
  "date",
  "date-time",
  "time",
  "ipv4",
  "ipv6",
  "int32",
  "int64",
  "duration",
  "email",
  "byte",
  "binary",
]);

/** A string (or untyped) input nothing constrains: no enum, no pattern, no bounded format. */
export function freeForm(i: Input): boolean {
  return (
    (i.type === undefined || i.type === "string") &&
    !i.enum &&
    !i.pattern &&
    !(i.format !== undefined && BOUNDED_FORMATS.has(i.format))
  );
}

/** Path parameters that select a representation or a version, not an object. */
const NOT_AN_OBJECT = /^(version|api[-_]?version|v|lang|locale|language|format|ext|extension|region|env|stage)$/i;
/** Names that identify one object: ids, UUIDs, usernames, e-mails, VINs, slugs, numbers, short ids (`cid`, `uid`). */
const OBJECT_ID =
  /(^id$|^[cuptgeamvnr]id$|[-_][iI][dD]$|[a-z0-9]Id$|ID$|^uuid$|[-_]?uuid$|guid$|^username$|^user[-_]?name$|^email$|^e-?mail$|^vin$|^slug$|^handle$|^account[-_]?(no|number)$|^(order|invoice|account|card|policy|ticket)[-_]?(no|number)$)/;
/** Query or body names by which a collection is filtered to one owner's objects. */
const OWNER_FILTER =
  /^(owner|(user|owner|account|customer|tenant|member|author|creator|org|organization|company)[-_]?(id|uuid|name))$/i;
/** Ids of people and accounts: objects whose access is personal even where the contract reads them without authentication. */
export const PERSONAL_ID =
  /^(user|owner|account|customer|member|person|profile|patient|employee)[-_]?(id|uuid|name)$|^(username|email|e-?mail)$/i;
/** Path parameters that are not object ids whatever the segment before them says. */
const NOT_AN_ID =
  /^(command|cmd|redirect|url|uri|callback|path|file|filename|query|q|search|action|type|kind|release|format)$/i;

/** Inputs naming the object the operation acts on (BOLA candidates). */
export function objectIdInputs(a: OperationAttrs): Input[] {
  const segments = a.path.split("/").filter(Boolean);
  return inputsOf(a).filter((i) => {
    if (i.where === "path") {
      if (NOT_AN_OBJECT.test(i.name) || NOT_AN_ID.test(i.name) || i.enum) return false;
      if (OBJECT_ID.test(i.name) || /^(name|key|code|number|no)$/i.test(i.name)) return true;
      // `/notes/{note}`: a parameter right after a collection names one of its members.
      const before = segments[paramAt(segments, i.name) - 1] ?? "";
      return /^[a-z][a-z-_]*s$/i.test(before);
    }
    if (i.where === "cookie" || i.nested || i.enum) return false;
    if (i.where === "header" && /^(x-)?(request|correlation|trace|idempotency)[-_]?(id|key)$/i.test(i.name))
      return false;
    if (i.where === "query" && a.method === "GET" && OWNER_FILTER.test(i.name)) return true;
    if (i.where === "body" && a.method === "GET") return false;
    // `eventId` in the body of `POST /special-events` is the new event's own id, not a reference to someone's object.
    if (i.where === "body" && a.method === "POST" && ownIdOfCreated(a, i.name)) return false;
    // In a body, a name or an e-mail is what is being written, not which object.
    if (i.where === "body" && /^(username|user[-_]?name|email|e-?mail|slug|handle|name)$/i.test(i.name)) return false;
    return OBJECT_ID.test(i.name) && !/^(request|correlation|trace|idempotency|client|session)[-_]?id$/i.test(i.name);
  });
}

/**
 * Collections every caller reads alike: a shop's products, a library's books, reference data. Reading one of their
 * members by id is not an object-level authorization question (there is no owner to check against).
 */
const CATALOGUE =
  /^(products?|catalog(ue)?s?|categor(y|ies)|skus?|brands?|tags?|pets?|books?|movies?|films?|songs?|tracks?|albums?|artists?|genres?|authors?|publishers?|recipes?|articles?|news|countr(y|ies)|currenc(y|ies)|languages?|regions?|menus?|faqs?|courses?|venues?|games?|species|breeds?|manufacturers?|airports?|stations?)$/i;

/**
 * The path ids that name a member of a catalogue collection, not someone's object: on a GET (`GET /products/{id}`),
 * and on a write that needs a privilege the reads do not (`write:pets`): who may change the catalogue is a
 * function-level question, and that privilege answers it.
 */
export function catalogueIds(
  a: OperationAttrs,
  ids: readonly Input[],
  privileged: boolean,
  sold: { segments: ReadonlySet<string>; names: (name: string) => boolean },
): Set<Input> {
  const segments = a.path.split("/").filter(Boolean);
  return new Set(
    ids.filter((i) => {
      // What the API sells (`eventId` in a purchase, `PATCH /special-events/{eventId}`) has no owner among its
      // callers; who may change it is TL-API-BFLA-001's question.
      if (i.where === "body") return sold.names(i.name);
      if (i.where !== "path") return false;
      const at = paramAt(segments, i.name);
      if (at <= 0) return false;
      const collection = segments[at - 1]!;
      if (at === segments.length - 1 && sold.segments.has(collection.toLowerCase())) return true;
      return (a.method === "GET" || privileged) && CATALOGUE.test(collection);
    }),
  );
}

/** Whether `name` (`eventId`) is the id of what a POST to a collection (`/special-events`) creates. */
function ownIdOfCreated(a: OperationAttrs, name: string): boolean {
  const last = a.path.split("/").filter(Boolean).at(-1) ?? "";
  if (last.startsWith("{")) return false;
  const noun = words(last).at(-1) ?? "";
  // A plain `id` in the body of `POST /pet` is the new pet's own id.
  if (/^(id|uuid)$/i.test(name)) return true;
  const own = name.replace(/[-_]?(id|uuid)$/i, "").toLowerCase();
  return own !== "" && (noun === own || noun === `${own}s` || noun === `${own}es`);
}

/** Administrative, management, internal or debug functions, by path segment or operation id. */
const ADMIN_WORDS = new Set([
  "admin",
  "admins",
  "administrator",
  "administration",
  "management",
  "manage",
  "internal",
  "debug",
  "actuator",
  "superuser",
  "sudo",
  "staff",
  "backoffice",
  "sysadmin",
  "impersonate",
  "maintenance",
]);

export function adminWord(a: OperationAttrs): string | undefined {
  const ws = [...staticSegments(a.path).flatMap(words), ...words(a.operationId ?? "")];
  return ws.find((w) => ADMIN_WORDS.has(w));
}

/** Verbs that, as a path segment or the first word of a GET's summary, say the GET changes something. */
const WRITE_VERBS = new Set([
  "delete",
  "remove",
  "create",
  "add",
  "update",
  "edit",
  "set",
  "like",
  "love",
  "vote",
  "follow",
  "unfollow",
  "subscribe",
  "unsubscribe",
  "approve",
  "reject",
  "reset",
  "transfer",
  "pay",
  "send",
  "activate",
  "deactivate",
  "enable",
  "disable",
  "cancel",
  "purchase",
  "buy",
  "execute",
  "trigger",
  "grant",
  "revoke",
  "ban",
  "block",
  "unblock",
  "promote",
]);

export function writeVerbOfGet(a: OperationAttrs): string | undefined {
  if (a.method !== "GET") return undefined;
  const segs = staticSegments(a.path).map((s) => s.toLowerCase());
  const seg = segs.find((s) => WRITE_VERBS.has(s) || WRITE_VERBS.has(words(s)[0] ?? ""));
  if (seg) return seg;
  const op = words(a.operationId ?? "")[0];
  if (op && WRITE_VERBS.has(op)) return a.operationId;
  const first = words(a.summary ?? "")[0];
  return first && WRITE_VERBS.has(first) && first !== "set" ? (a.summary ?? "").split(/\s+/)[0] : undefined;
}

export type AuthFlow = "login" | "otp" | "reset" | "register";

/** The authentication flow an operation implements, from its path and operation id. */
export function authFlow(a: OperationAttrs): AuthFlow | undefined {
  // A GET is a flow when it confirms something, or takes a password (`GET /user/login?username=&password=`).
  if (
    a.method === "GET" &&
    !/consume|confirm|verify/i.test(a.path) &&
    !a.parameters.some((p) => /^(password|passwd|pwd|pass)$/i.test(p.name))
  )
    return undefined;
  const ws = [...staticSegments(a.path).flatMap(words), ...words(a.operationId ?? "")];
  const has = (...list: string[]): boolean => list.some((w) => ws.includes(w));
  if (has("otp", "mfa", "2fa", "totp", "verification", "verify") && !has("email")) return "otp";
  if (has("forgot", "reset", "recover", "recovery") || (has("password") && !has("change"))) return "reset";
  if (
    has("login", "signin", "logon", "authenticate") ||
    (has("sign") && has("in")) ||
    /\/(auth|token|session)s?$/.test(a.path)
  )
    return "login";
  if (has("register", "registration", "signup") || (has("sign") && has("up"))) return "register";
  // `POST /users` described as "Register a new user": the path says nothing, the contract's words do.
  if (a.method === "POST" && /^(register|sign[\s-]?up)\b/i.test(a.summary ?? "")) return "register";
  return undefined;
}

/** Endpoints that are public by design: probes, discovery, and the entry points of authentication itself. */
export const PUBLIC_BY_DESIGN =
  /(^|\/)(health|healthz|healthcheck|status|ready|readyz|live|livez|ping|version|\.well-known|openapi(\.json|\.yaml)?|swagger(\.json)?|api-docs|docs|login|logout|signin|sign-in|signout|signup|sign-up|register|registration|token|oauth2?|authorize|forgot-password|forgot|reset-password|password-reset|reset|otp|verify|refresh|callback|jwks(\.json)?)(\/|$)/i;

export function publicByDesign(a: OperationAttrs): boolean {
  return PUBLIC_BY_DESIGN.test(a.path) || authFlow(a) !== undefined;
}

/** Fields a client must never set: roles, privilege flags, balances, ownership, server-owned state. */
export const PRIVILEGED_FIELD =
  /^(roles?|user[-_]?roles?|is[-_]?admin|admin|is[-_]?super[-_]?user|super[-_]?user|permissions?|privileges?|owner|owner[-_]?id|user[-_]?id|tenant[-_]?id|account[-_]?type|user[-_]?type|is[-_]?verified|email[-_]?verified|verified|balance|account[-_]?balance|credits?|credit[-_]?limit|scopes?|is[-_]?staff|access[-_]?level|plan|tier|status|state|paid|is[-_]?paid|approved|is[-_]?approved|is[-_]?active|reset[-_]?token|password[-_]?hash|created[-_]?by|is[-_]?premium|vip|discount|price|cost[-_]?price|points|level|rank|karma|quota)$/i;

/** Fields that are only privileged on a write the user makes about themselves (price on an order, not on a product). */
export const CONTEXT_FIELD = /^(status|state|price|discount|level|rank|points|quota|plan|tier)$/i;

/** Inputs a server turns into a query, filter, command, template, document or file path. */
const INJECTION_STRONG =
  /^(cmd|command|exec|execute|shell|script|eval|expr|expression|template|tpl|xml|xpath|xslt|ldap|sql|query[-_]?string|file|file[-_]?name|filename|file[-_]?path|filepath|path|dir|directory|folder|host|hostname|ip|domain)$/i;
const INJECTION_QUERY =
  /^(q|query|search|search[-_]?term|term|keyword|keywords|filter|filters|where|criteria|sort|sort[-_]?by|order|order[-_]?by|orderby|select|fields|group[-_]?by|having|regex)$/i;
const SEARCH_TERM = /^(q|query|search|search[-_]?term|term|keywords?)$/i;
/** Words of a path that say free-form input goes to an interpreter. */
const INTERPRETER_WORDS = new Set([
  "ldap",
  "xpath",
  "sql",
  "exec",
  "execute",
  "command",
  "cmd",
  "eval",
  "shell",
  "ping",
  "nslookup",
  "traceroute",
  "render",
]);

export function injectionInputs(a: OperationAttrs): { input: Input; strong: boolean }[] {
  const found: { input: Input; strong: boolean }[] = [];
  // By word, not by letters: `IpAccessControlListMappings` is no ping, `runCommand` and `/exec` are commands.
  const interpreter = staticSegments(a.path).some((seg) => words(seg).some((w) => INTERPRETER_WORDS.has(w)));
  const searchPath = /search|query|filter/i.test(staticSegments(a.path).join("/"));
  for (const i of inputsOf(a)) {
    if (i.nested || i.where === "header" || i.where === "cookie") continue;
    if (i.structured && INJECTION_QUERY.test(i.name)) found.push({ input: i, strong: true });
    // A document in a string is parsed (and in JavaScript back ends often evaluated) by the server.
    else if (i.document && freeForm(i)) found.push({ input: i, strong: true });
    else if (!freeForm(i)) continue;
    else if (INJECTION_STRONG.test(i.name) || /xml/i.test(i.name) || interpreter)
      found.push({ input: i, strong: true });
    // A plain search term with a declared length is a search box: what it reaches is the implementation's business.
    else if (SEARCH_TERM.test(i.name) && i.maxLength !== undefined) continue;
    else if (INJECTION_QUERY.test(i.name) || (searchPath && i.where !== "path"))
      found.push({ input: i, strong: false });
  }
  return found;
}

/** Inputs that carry a URL the server fetches, calls back or redirects to. */
const URL_NAME =
  /^(url|uri|href|link|callback|callback[-_]?url|callback[-_]?uri|webhook|webhook[-_]?url|redirect|redirect[-_]?(url|uri|to)|return[-_]?(url|uri|to)|success[-_]?url|cancel[-_]?url|next[-_]?url|continue[-_]?url|image[-_]?url|img[-_]?url|avatar[-_]?url|picture[-_]?url|photo[-_]?url|icon[-_]?url|logo[-_]?url|feed[-_]?url|source[-_]?url|src|target[-_]?url|endpoint|proxy|fetch[-_]?url|remote[-_]?url|import[-_]?url|file[-_]?url|download[-_]?url|notify[-_]?url|notification[-_]?url)$/i;

export function urlInputs(a: OperationAttrs): Input[] {
  return inputsOf(a).filter(
    (i) =>
      i.where !== "header" &&
      i.where !== "cookie" &&
      !i.enum &&
      (i.type === undefined || i.type === "string") &&
      (URL_NAME.test(i.name) || /[a-z](Url|Uri)$/.test(i.name) || i.format === "uri" || i.format === "url"),
  );
}

/** Roles or privileges a client sends in a header or query parameter. */
export const ROLE_PARAM =
  /^(x-)?(user-?)?(role|roles|is-?admin|is_admin|admin|privilege|privileges|permission|permissions|access-?level|access_level|group|groups|scope|user-?type)$/i;

/** Whether a regular expression can backtrack catastrophically: a quantified group that itself repeats. */
export function redosProne(pattern: string): boolean {
  return /\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]/.test(pattern);
}

/** Version numbers in a path (`/v1/`, `/api/v2.1/`), or undefined. */
export function pathVersion(path: string): number | undefined {
  const m = /(^|\/)v(\d+)(?:\.(\d+))?(\/|$)/i.exec(path);
  return m ? Number(m[2]) + (m[3] ? Number(m[3]) / 100 : 0) : undefined;
}
