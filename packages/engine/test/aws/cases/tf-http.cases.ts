import { tf } from "../harness.ts";
import type { RuleCase } from "../../rule-cases.ts";

export const TF_HTTP_CASES: RuleCase[] = [
  {
    rule: "TL-TF-HTTP-001",
    tf: {
      pos: [
        tf(`
          data "http" "config" {
            url = "https://api.example.com/config"
            request_headers = {
              Authorization = "Bearer \${var.api_token}"
            }
          }
        `),
        tf(`
          data "http" "config" {
            url = "http://config.internal/v1"
            request_headers = {
              X-Api-Key = "k3y-1234567890"
            }
          }
        `),
      ],
      neg: [
        tf(`
          data "http" "ip" {
            url = "https://checkip.amazonaws.com"
            request_headers = {
              Accept = "text/plain"
            }
          }
        `),
      ],
    },
  },
];
