import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  analyze,
  buildGraph,
  redact,
  runRules,
  type GraphNode,
  type ResourceGraph,
  type SourceFile,
} from "../../src/index.ts";
import { detectInText, isPlaceholder, isSecretKey, SECRET_RULES } from "../../src/secrets/index.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const fixtures = join(here, "../fixtures");
const corpus = join(here, "../../../../bench/corpus");

function filesUnder(dir: string, root: string): SourceFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, root);
    if (name.endsWith(".expected.json")) return [];
    return [{ path: full.slice(root.length + 1), content: readFileSync(full, "utf8") }];
  });
}

const configMap = (entries: Record<string, string>): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: prod\ndata:\n${Object.entries(entries)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join("\n")}\n`;

async function secretRuleIds(content: string): Promise<string[]> {
  const { threats } = await analyze([{ path: "cfg.yaml", content }], { rules: SECRET_RULES });
  return [...new Set(threats.map((t) => t.ruleId ?? ""))].sort();
}

describe("secret detection", () => {
  it("tells secret keys and literal values from names, references and placeholders", () => {
    for (const key of ["MasterUserPassword", "DB_PASSWORD", "apiKey", "client_secret", "authToken", "passphrase"])
      expect(isSecretKey(key)).toBe(true);
    for (const key of [
      "SecretArn",
      "passwordLength",
      "secretName",
      "tokenUrl",
      "KmsKeyId",
      "secretKeyRef",
      "PasswordPolicy",
      "description",
      "master_user_password_rotation_schedule_expression",
      "master_user_password_rotate_immediately",
      "SecretRotationInterval",
      "secret_permissions",
      "adminSecretNamespace",
    ])
      expect(isSecretKey(key)).toBe(false);
    // Namespaced keys (IAM condition keys, OIDC claims) are judged by their last part, not by their issuer.
    for (const key of [
      "token.actions.githubusercontent.com:aud",
      "token.actions.githubusercontent.com:sub",
      "aws:SecureTransport",
      "secret:",
    ])
      expect(isSecretKey(key)).toBe(false);
    for (const key of ["vendor.example.com:api_key", "custom:password"]) expect(isSecretKey(key)).toBe(true);
    for (const v of [
      "${DB_PASSWORD}",
      "{{resolve:secretsmanager:db:SecretString:pw}}",
      "$(cat /run/pw)",
      "<password>",
      "<your-password>",
      "REPLACE_ME",
      "***",
      "arn:aws:secretsmanager:eu-west-1:1:secret:x",
      "abc",
      "rate(15 days)",
      "cron(0 3 * * ? *)",
      "../cloudgoat",
      "./keys/deploy.pem",
      "days",
      "event.resultToken",
      "yourpassword",
    ])
      expect(isPlaceholder(v)).toBe(true);
    // A weak password that gets deployed as written is a secret a reviewer flags, not a placeholder.
    for (const v of ["Wq9!xLm2#Pv7", "hunter2hunter2", "s3cr3t-value", "changeme", "ChangeMe123"])
      expect(isPlaceholder(v)).toBe(false);
  });

  it("a script in a JSON or double-quoted YAML string: a flag's value stops at its escaped line break", () => {
    const script = JSON.stringify(
      "#!/bin/bash\n./gitea admin user create --password $secret --must-change-password=false\n\n# done\n",
    );
    const template = `Resources:\n  Box:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData:\n        Fn::Sub: ${script}\n`;
    expect(detectInText({ path: "t.yaml", content: template })).toEqual([]);
    const leaked = template.replace("$secret", "Hunter2-Hunter2");
    expect(detectInText({ path: "t.yaml", content: leaked }).map((f) => f.value)).toEqual(["Hunter2-Hunter2"]);
  });

  it("finds every kind of hard-coded secret in the fixture, with lines, and nothing in references or placeholders", async () => {
    const content = readFileSync(join(fixtures, "kubernetes/secrets.yaml"), "utf8");
    const lines = content.split("\n");
    const { graph } = await buildGraph([{ path: "s.yaml", content }]);
    const secrets = graph.facts.secrets;
    const kinds = new Set(secrets.map((s) => s.kind));
    for (const kind of ["connection-string", "password", "aws-access-key", "aws-secret-key", "token", "private-key"])
      expect(kinds).toContain(kind);
    for (const s of secrets) {
      expect(s.nodeId).not.toBeNull();
      const first = s.value.split("\n")[0]!.trim();
      expect(lines[s.line! - 1], s.path).toContain(first.length > 20 ? first.slice(0, 20) : first);
    }
    const values = secrets.map((s) => s.value);
    expect(values).toEqual(
      expect.arrayContaining([
        "Wq9!xLm2#Pv7",
        "k8s-admin-tok-93jd83",
        "Hx8-qQ2-zz9",
        "mail-Pa55word-2024",
        "c3VwZXItc2VjcmV0LWRiLXBhc3N3b3Jk",
      ]),
    );
    expect(values.join("\n")).not.toMatch(/\$\{DB_PASSWORD\}|db-credentials/);
    expect(new Set(values).size).toBe(values.length);
  });

  it("reads key/value lines of any syntax, but not HCL expressions", () => {
    const tf =
      'resource "aws_db_instance" "db" {\n  password = random_password.db.result\n  master_password = "S3cr3t-Literal!"\n  api_key = var.key\n}\n';
    expect(detectInText({ path: "main.tf", content: tf }).map((s) => [s.kind, s.value, s.line])).toEqual([
      ["password", "S3cr3t-Literal!", 3],
    ]);
    const env = "DB_PASSWORD=abc123xyz\nclient_secret: 'quoted-secret'\ntoken: ${TOKEN}\n";
    expect(detectInText({ path: "x.yaml", content: env }).map((s) => s.value)).toEqual(["abc123xyz", "quoted-secret"]);
  });

  it("finds nothing in the no-false-positive fixtures (look-alikes that are not secrets)", async () => {
    const dir = join(fixtures, "secrets/no-false-positives");
    const files = filesUnder(dir, dir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const { graph } = await buildGraph(files);
    expect(graph.nodes.length).toBeGreaterThan(0);
    expect(graph.facts.secrets).toEqual([]);
    for (const file of files) expect(detectInText(file), file.path).toEqual([]);
  });

  it("reads a namespaced key as one key in text, and keeps colon-separated secrets", () => {
    const content =
      'Condition:\n  "token.actions.githubusercontent.com:aud": sts.amazonaws.com\n  token.actions.githubusercontent.com:sub: repo:acme/app:*\nvendor.example.com:api_key: Zt9-Qx2-Lm8-Kp4\ndb_password:"Wq9!xLm2#Pv7"\nsmtp.password:Hx8-qQ2-zz9\n';
    expect(detectInText({ path: "x.yaml", content }).map((s) => [s.value, s.line])).toEqual([
      ["Zt9-Qx2-Lm8-Kp4", 4],
      ["Wq9!xLm2#Pv7", 5],
      ["Hx8-qQ2-zz9", 6],
    ]);
  });

  it("ignores published sample credentials in prose and examples, but not in a credential field", () => {
    const prose =
      "The key looks like AKIAIOSFODNN7EXAMPLE.\nexample: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n";
    expect(detectInText({ path: "docs.yaml", content: prose })).toEqual([]);
    // A credential field holding a literal key is the weakness, sample or not: the next commit puts a real key there.
    const fields =
      "aws_access_key_id: AKIAIOSFODNN7EXAMPLE\naws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
    expect(detectInText({ path: "creds.yaml", content: fields }).map((f) => f.kind)).toEqual([
      "aws-access-key",
      "aws-secret-key",
    ]);
  });

  it("does not take annotations that name a Secret object for secrets", async () => {
    const content =
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/auth-secret: basic-auth\n    example.com/api-token: Zt9-Qx2-Lm8-Kp4\nspec: {}\n";
    const { graph } = await buildGraph([{ path: "i.yaml", content }]);
    expect(graph.facts.secrets.map((s) => s.value)).toEqual(["Zt9-Qx2-Lm8-Kp4"]);
  });

  it("reports one finding per file and value when the parser and the detectors both see it", async () => {
    const content = configMap({ token: "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8" });
    const { graph } = await buildGraph([{ path: "c.yaml", content }]);
    expect(graph.facts.secrets).toHaveLength(1);
    expect(graph.facts.secrets[0]).toMatchObject({
      kind: "token",
      nodeId: "ConfigMap/prod/cfg",
      path: "data.token",
      line: 7,
    });
  });
});

const RULE_CASES: Record<string, { positive: string; negative: string }> = {
  "TL-SECRET-001": {
    positive: configMap({ db_password: "Wq9!xLm2#Pv7" }),
    negative: configMap({ db_password: "${DB_PASSWORD}" }),
  },
  "TL-SECRET-002": {
    positive: configMap({ key: "AKIAQ3EGUWXYZ7ABCDEF" }),
    negative: configMap({ key: "AKIA-not-a-key" }),
  },
  "TL-SECRET-003": {
    positive: configMap({ aws_secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Hk2LmNo" }),
    negative: configMap({ aws_secret_access_key_arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:k" }),
  },
  "TL-SECRET-004": {
    positive: configMap({
      "tls.key":
        "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----",
    }),
    negative: configMap({
      "tls.crt":
        "-----BEGIN CERTIFICATE-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END CERTIFICATE-----",
    }),
  },
  "TL-SECRET-005": {
    positive: configMap({ notify: "xoxb-123456789012-abcdefghijklmnop" }),
    negative: configMap({ notify: "https://hooks.example.com/notify" }),
  },
  "TL-SECRET-006": {
    positive: configMap({ url: "mysql://app:Sq1-pa55-x@db:3306/app" }),
    negative: configMap({ url: "mysql://app:${DB_PASS}@db:3306/app" }),
  },
};

describe("secret rules", () => {
  it("covers every rule", () => {
    expect([...Object.keys(RULE_CASES), "TL-SECRET-007"].sort()).toEqual(SECRET_RULES.map((r) => r.id).sort());
  });

  for (const [id, c] of Object.entries(RULE_CASES)) {
    it(`${id} fires on its positive fixture`, async () => expect(await secretRuleIds(c.positive)).toContain(id));
    it(`${id} stays silent on its negative fixture`, async () =>
      expect(await secretRuleIds(c.negative)).not.toContain(id));
  }

  const noEchoGraph = (withDefault: boolean): ResourceGraph => {
    const node: GraphNode = {
      id: "DbPassword",
      type: "AWS::CloudFormation::Parameter",
      kind: "aws.parameter",
      format: "cloudformation",
      file: "t.yaml",
      line: 3,
      attrs: {},
      properties: {},
      propertyLines: { Default: 5 },
    };
    return {
      nodes: [node],
      edges: [],
      facts: {
        exposures: [],
        dataStores: [],
        identities: [],
        secrets: withDefault
          ? [
              {
                file: "t.yaml",
                line: 5,
                nodeId: "DbPassword",
                path: "Default",
                kind: "noecho-default",
                value: "Initial-Pa55",
              },
            ]
          : [],
      },
    };
  };

  it("TL-SECRET-007 fires on its positive fixture (NoEcho default reported by a parser)", () => {
    const threats = runRules(noEchoGraph(true), SECRET_RULES);
    expect(threats.map((t) => t.ruleId)).toEqual(["TL-SECRET-007"]);
    expect(threats[0]).toMatchObject({
      category: "InformationDisclosure",
      evidence: [{ file: "t.yaml", line: 5, path: "Default" }],
    });
    // The fix drops the default; the value is passed at deploy time.
    expect(threats[0]!.remediations[0]!.fix).toContain("NoEcho: true");
    expect(threats[0]!.remediations[0]!.fix).not.toMatch(/^\s+Default:/m);
  });

  it("TL-SECRET-007 stays silent on its negative fixture", () => {
    expect(runRules(noEchoGraph(false), SECRET_RULES)).toEqual([]);
  });

  it("groups several secrets of one resource into one threat whose evidence names each line", async () => {
    const { threats } = await analyze(
      [{ path: "c.yaml", content: configMap({ db_password: "Wq9!xLm2#Pv7", admin_password: "Zx8-Kp3-Qm1" }) }],
      { rules: SECRET_RULES },
    );
    expect(threats).toHaveLength(1);
    expect(threats[0]!.evidence.map((e) => [e.path, e.line])).toEqual([
      ["data.db_password", 7],
      ["data.admin_password", 8],
    ]);
    expect(JSON.stringify(threats)).not.toContain("Wq9!xLm2#Pv7");
  });
});

describe("redact", () => {
  const all = [...filesUnder(fixtures, fixtures), ...filesUnder(corpus, corpus)].filter(
    (f) => !f.content.includes("\u0000") && !f.content.includes("\uFFFD"),
  );

  it("leaves no secret of the fixture corpus in the redacted text or graph", async () => {
    const { graph } = await buildGraph(all);
    const secrets = graph.facts.secrets;
    expect(secrets.length).toBeGreaterThanOrEqual(15);
    const result = redact(all, graph);
    expect(result.count).toBeGreaterThanOrEqual(new Set(secrets.map((s) => s.value.replace(/\s+/g, ""))).size);
    const text = result.files.map((f) => f.content).join("\n");
    const graphText = JSON.stringify(result.graph);
    for (const s of secrets) {
      for (const part of s.value.split(/\s+/).filter((p) => p.length >= 6)) {
        expect(text, `${s.kind} at ${s.file}:${s.line}`).not.toContain(part);
        expect(graphText, `${s.kind} at ${s.file}:${s.line}`).not.toContain(part);
      }
    }
    expect(text).toContain("«REDACTED:password:1»");
    // The corpus now holds the CloudFormation and Terraform files too (one HCL WebAssembly start-up included).
  }, 60_000);

  it("is deterministic, keeps structure and leaves look-alikes inside longer words alone", async () => {
    const content = `${configMap({ admin_password: "admin-pass-1", role: "cluster-admin-pass-12" })}`;
    const { graph } = await buildGraph([{ path: "c.yaml", content }]);
    const a = redact([{ path: "c.yaml", content }], graph);
    const b = redact([{ path: "c.yaml", content }], graph);
    expect(a).toEqual(b);
    expect(a.files[0]!.content).toContain('admin_password: "«REDACTED:password:1»"');
    expect(a.files[0]!.content).toContain("cluster-admin-pass-12");
    expect(a.graph.nodes[0]!.id).toBe("ConfigMap/prod/cfg");
    expect(a.graph.facts.secrets[0]!.value).toBe("«REDACTED:password:1»");
  });

  it("redacts a PEM key whatever its indentation or JSON escaping", async () => {
    const pem =
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oW7s4yP7Qa9ZoAoGCCqGSM49\n-----END EC PRIVATE KEY-----";
    const json = JSON.stringify(
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "k" }, data: { key: pem } },
      null,
      2,
    );
    const { graph } = await buildGraph([{ path: "k.json", content: json }]);
    const out = redact([{ path: "k.json", content: json }], graph);
    expect(out.files[0]!.content).not.toContain("MHcCAQEEIBkg4LVWM9");
    expect(JSON.stringify(out.graph)).not.toContain("MHcCAQEEIBkg4LVWM9");
  });
});

describe("secrets in CloudFormation and Terraform", () => {
  const cfn = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
    Default: Initial-Pa55-2024
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      MasterUsername: admin
      MasterUserPassword: !Ref DbPassword
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: { ZipFile: "print(1)" }
      Environment:
        Variables:
          STRIPE_API_KEY: sk_live_51HqLyjWDarjtT1zdp7dcXYZ
          LOG_LEVEL: info
  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      UserData:
        Fn::Base64: |
          #!/bin/bash
          export AWS_ACCESS_KEY_ID=AKIAQ3EGUWXYZ7ABCDEF
          export AWS_SECRET_ACCESS_KEY=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
`;
  const tf = `variable "db_password" {
  type      = string
  sensitive = true
  default   = "Tf-Default-Secret-9"
}
resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "app"
  password = "Literal-Pg-Pass-77"
}
resource "aws_db_instance" "db2" {
  engine   = "postgres"
  password = var.db_password
}
resource "tls_private_key" "x" {}
locals {
  deploy_key = <<EOT
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
-----END OPENSSH PRIVATE KEY-----
EOT
}
`;
  const files = [
    { path: "t.yaml", content: cfn },
    { path: "main.tf", content: tf },
  ];

  it("reports each secret on its resource (or its file) with the secret's own line", async () => {
    const { threats, graph } = await analyze(files, { rules: SECRET_RULES });
    const got = threats
      .map((t) => `${t.ruleId} ${t.resources[0]?.id} ${t.evidence.map((e) => e.line).join(",")}`)
      .sort();
    expect(got).toEqual(
      expect.arrayContaining([
        "TL-SECRET-001 aws_db_instance.db 9",
        // The key id and the secret key in one script are one weakness: one threat with both lines.
        "TL-SECRET-003 Box 33,32",
        "TL-SECRET-004 main.tf 18",
        "TL-SECRET-005 Fn 23",
      ]),
    );
    const box = threats.find((t) => t.resources[0]?.id === "Box");
    expect(box?.contributingRules?.map((c) => c.ruleId)).toEqual(["TL-SECRET-002"]);
    expect(threats.some((t) => t.ruleId === "TL-SECRET-007")).toBe(true);
    expect(graph.facts.secrets.filter((s) => s.value === "Initial-Pa55-2024")).toHaveLength(1);
  });

  it("redacts them all from text and graph", async () => {
    const { graph } = await buildGraph(files);
    const out = redact(files, graph);
    const all = out.files.map((f) => f.content).join("\n") + JSON.stringify(out.graph);
    for (const value of [
      "Initial-Pa55-2024",
      "sk_live_51HqLyjWDarjtT1zdp7dcXYZ",
      "AKIAQ3EGUWXYZ7ABCDEF",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Hk2LmNo",
      "Literal-Pg-Pass-77",
      "Tf-Default-Secret-9",
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
    ]) {
      expect(all).not.toContain(value);
    }
    expect(out.files[1]!.content).toContain('password = "«REDACTED:password:');
  });
});
