import { at, awsRule } from "./define.ts";

// TL-TF-HTTP: Terraform's http data source.

/** Request headers that carry credentials. */
const CREDENTIAL_HEADER = /authorization|token|api[-_]?key|secret|password|cookie|credential/i;

export const TF_HTTP_RULES = [
  awsRule({
    id: "TL-TF-HTTP-001",
    title: "Terraform http data source sends a credential",
    category: "InformationDisclosure",
    likelihood: 3,
    impact: 3,
    kinds: ["tf.data.http"],
    description:
      "Data source {resource} sends a credential in a request header at every plan, from wherever Terraform runs; the header value is also stored in the state file in clear text.",
    why: "The state and plan files are read by far more people and systems than the secret's owner intended.",
    remediation:
      "Fetch the data with a scoped, short-lived token (or from a store the provider reads with its own credentials), over HTTPS, and keep the state encrypted with restricted access.",
    fix: {
      cloudformation: "# Terraform only.",
      terraform:
        'data "http" "this" {\n  url = "https://api.example.com/v1/config"\n  request_headers = {\n    Accept = "application/json"\n  }\n}',
    },
    cwe: ["CWE-522"],
    exposedBoost: 0,
    test: (node) => {
      const sent = (
        Array.isArray(node.attrs.headers) ? (node.attrs.headers as { name: string; literal: boolean }[]) : []
      ).filter((h) => CREDENTIAL_HEADER.test(h.name));
      if (sent.length === 0) return false;
      const plain = typeof node.attrs.url === "string" && /^http:\/\//i.test(node.attrs.url);
      const literal = sent.some((h) => h.literal);
      return {
        paths: [at(node, "headers")],
        ...(plain || literal ? { likelihood: 4 } : {}),
        detail: `Data source ${node.id} sends ${sent.map((h) => h.name).join(", ")}${literal ? " written in the configuration" : ""}${plain ? " over plain HTTP" : ""}; the value ends up in the state file.`,
      };
    },
  }),
];
