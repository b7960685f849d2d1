/**
 * The OpenAPI part of the public corpus' weakness taxonomy (OWASP API Security Top 10 2023 as a reviewer reads a
 * contract). Kept in its own file so the shared `weaknesses.ts` can spread it in.
 */
import type { Weakness } from "./score.ts";

export const OPENAPI_WEAKNESSES: Record<string, Weakness> = {
  "api-bola": {
    title: "Object-level authorization on a client-given object id (API1)",
    stride: "E",
    rules: ["TL-API-BOLA-001"],
  },
  "api-tenant-isolation": {
    title: "Tenant named in the path of most operations: cross-tenant access unless each checks it (API1)",
    stride: "E",
    rules: ["TL-API-TENANT-001"],
  },
  "api-bfla-admin": {
    title: "Admin or internal function reachable without a distinct privilege (API5)",
    stride: "E",
    rules: ["TL-API-BFLA-001"],
  },
  "api-bfla-role-input": {
    title: "Role or privilege decided by a client-sent value (API5)",
    stride: "E",
    rules: ["TL-API-BFLA-002", "TL-API-MASS-001"],
  },
  "api-security-inconsistent": {
    title: "Operation weaker than its siblings (API5)",
    stride: "E",
    rules: ["TL-API-BFLA-003"],
  },
  "api-old-version": { title: "Old API version still exposed (API9)", stride: "E", rules: ["TL-API-VERSION-001"] },
  "api-mass-assignment": {
    title: "Privileged or server-owned fields writable by the client (API3)",
    stride: "E",
    rules: ["TL-API-MASS-001", "TL-API-MASS-002"],
  },
  "api-injection": {
    title: "Free-form input used as query, filter, command, file name or document (injection)",
    stride: "T",
    rules: ["TL-API-INJ-001"],
  },
  "api-redos": { title: "ReDoS-prone pattern", stride: "D", rules: ["TL-API-INJ-002"] },
  "api-url-input": {
    title: "Client-given URL fetched or redirected to (SSRF / open redirect, API7)",
    stride: "I",
    rules: ["TL-API-SSRF-001"],
  },
  "api-auth-bruteforce": {
    title: "Authentication flow without rate limit or lockout (API2)",
    stride: "S",
    rules: ["TL-API-AUTHN-001"],
  },
  "api-user-enumeration": {
    title: "User enumeration through distinct responses (API2)",
    stride: "I",
    rules: ["TL-API-AUTHN-002"],
  },
  "api-weak-otp": { title: "Short one-time code (API2)", stride: "S", rules: ["TL-API-AUTHN-003"] },
  "api-jwt-unspecified": {
    title: "JWT bearer without stated algorithm or issuer (API2)",
    stride: "S",
    rules: ["TL-API-AUTH-008"],
  },
  "api-cookie-csrf": {
    title: "Cookie authentication without CSRF protection",
    stride: "T",
    rules: ["TL-API-AUTH-009"],
  },
  "api-credential-in-query": {
    title: "Credential or token in the query string",
    stride: "I",
    rules: ["TL-API-AUTH-003", "TL-API-DATA-002"],
  },
  "api-plain-http": {
    title: "API or OAuth endpoint over plain HTTP",
    stride: "I",
    rules: ["TL-API-TLS-001", "TL-API-AUTH-007"],
  },
  "api-no-security-scheme": { title: "Contract without any security scheme", stride: "S", rules: ["TL-API-DOC-001"] },
  "api-no-auth-write": {
    title: "State-changing operation without authentication",
    stride: "S",
    rules: ["TL-API-AUTH-001"],
  },
  "api-no-auth-read": { title: "Non-public data read without authentication", stride: "I", rules: ["TL-API-AUTH-002"] },
  "api-state-changing-get": {
    title: "State-changing GET (Tampering, CSRF-able)",
    stride: "T",
    rules: ["TL-API-TAMPER-001"],
  },
  "api-sensitive-response": {
    title: "Secrets, hashes, tokens or PII returned in responses (API3)",
    stride: "I",
    rules: ["TL-API-DATA-001"],
  },
  "api-unbounded-list": {
    title: "List without a page size maximum (API4)",
    stride: "D",
    rules: ["TL-API-INPUT-004"],
  },
  "api-upload-unbounded": { title: "Upload without a size limit (API4)", stride: "D", rules: ["TL-API-INPUT-003"] },
  "api-secret-in-example": {
    title: "Real credential in an example value",
    stride: "I",
    rules: ["TL-SECRET-002", "TL-SECRET-003", "TL-SECRET-004"],
  },
};
