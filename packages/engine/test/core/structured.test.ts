import { describe, expect, it } from "vitest";
import { functionTags, loadStructured, type StructuredDocument } from "../../src/core/index.ts";

function load(text: string, options = {}): StructuredDocument[] {
  const result = loadStructured(text, options);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.documents;
}

const tags = functionTags([
  { tag: "!Ref", name: "Ref" },
  { tag: "!If", name: "Fn::If" },
  { tag: "!Join", name: "Fn::Join" },
  { tag: "!GetAtt", name: "Fn::GetAtt", scalar: (s) => [s.slice(0, s.indexOf(".")), s.slice(s.indexOf(".") + 1)] },
]);

describe("loadStructured", () => {
  it("loads YAML with custom tags in scalar, list and map form", () => {
    const [doc] = load(
      [
        "R:",
        "  a: !Ref X",
        "  b: !GetAtt A.Endpoint.Address",
        "  c: !If [C, 1, 2]",
        "  d: !Join",
        "    - ''",
        "    - [!Ref Y, z]",
      ].join("\n"),
      { customTags: tags },
    );
    expect(doc!.value).toEqual({
      R: {
        a: { Ref: "X" },
        b: { "Fn::GetAtt": ["A", "Endpoint.Address"] },
        c: { "Fn::If": ["C", 1, 2] },
        d: { "Fn::Join": ["", [{ Ref: "Y" }, "z"]] },
      },
    });
    expect(doc!.lineOf("R.d.Fn::Join.1.0")).toBe(7);
  });

  it("gives the 1-based line of property paths, as strings or segments", () => {
    const [doc] = load(
      [
        "Resources:",
        "  AppBucket:",
        "    Properties:",
        "      AccessControl: PublicRead",
        "      list:",
        "        - b: 1",
        "        - b: 2",
      ].join("\n"),
    );
    expect(doc!.lineOf("Resources.AppBucket.Properties.AccessControl")).toBe(4);
    expect(doc!.lineOf(["Resources", "AppBucket", "Properties", "list", 1, "b"])).toBe(7);
    expect(doc!.lineOf("Resources.AppBucket.Properties.list.1")).toBe(7);
    expect(doc!.positionOf("Resources.AppBucket.Properties.AccessControl")).toEqual({ line: 4, column: 7 });
    expect(doc!.lineOf("Resources.Missing")).toBeUndefined();
    expect(doc!.lineOf("")).toBe(1);
  });

  it("finds keys that contain dots", () => {
    const [doc] = load("metadata:\n  labels:\n    app.kubernetes.io/name: web\n");
    expect(doc!.lineOf("metadata.labels.app.kubernetes.io/name")).toBe(3);
  });

  it("loads every document of a stream with its own lines", () => {
    const docs = load("a: 1\n---\nb:\n  - c: 2\n");
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, { b: [{ c: 2 }] }]);
    expect(docs[1]!.line).toBe(3);
    expect(docs[1]!.lineOf("b.0.c")).toBe(4);
  });

  it("loads JSON with positions", () => {
    const [doc] = load('{\n  "Resources": {\n    "B": {"Type": "AWS::S3::Bucket"}\n  }\n}');
    expect(doc!.value).toEqual({ Resources: { B: { Type: "AWS::S3::Bucket" } } });
    expect(doc!.lineOf("Resources.B.Type")).toBe(3);
  });

  it("reports syntax errors as template/parse-failed with line and column", () => {
    const result = loadStructured("a:\n  b: c\n d: e\n");
    expect(result).toMatchObject({ ok: false, error: { code: "template/parse-failed", line: 3, column: 1 } });
    const json = loadStructured('{"a": [1, 2}');
    expect(json.ok).toBe(false);
    if (!json.ok) {
      expect(json.error.code).toBe("template/parse-failed");
      expect(json.error.line).toBe(1);
    }
  });

  it("refuses an alias bomb quickly", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [prev, next] of [..."abcdefgh"].map((c, i) => [c, "bcdefghi"[i]!])) {
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const result = loadStructured(levels.join("\n"));
    expect(result).toMatchObject({ ok: false, error: { code: "template/too-many-aliases" } });
  });

  it("refuses too many aliases in one document", () => {
    const text = `a: &a x\nb: [${Array(150).fill("*a").join(", ")}]`;
    expect(loadStructured(text)).toMatchObject({ ok: false, error: { code: "template/too-many-aliases" } });
    expect(loadStructured(text, { maxAliases: 200 }).ok).toBe(true);
  });

  it("refuses deep nesting, exactly beyond the limit and hostile nesting before parsing", () => {
    const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(loadStructured(nested(64)).ok).toBe(true);
    expect(loadStructured(nested(65))).toMatchObject({ ok: false, error: { code: "template/too-deep" } });
    expect(loadStructured(nested(100_000))).toMatchObject({ ok: false, error: { code: "template/too-deep" } });
    expect(loadStructured("[".repeat(100_000))).toMatchObject({ ok: false, error: { code: "template/too-deep" } });
    const block = Array.from({ length: 5000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(loadStructured(block)).toMatchObject({ ok: false, error: { code: "template/too-deep" } });
  });

  it("keeps unknown tags as plain values", () => {
    const [doc] = load("a: !Whatever x\n");
    expect(doc!.value).toEqual({ a: "x" });
  });

  it("treats an empty stream as no documents", () => {
    expect(load("# only a comment\n")).toHaveLength(0);
  });
});

describe("a map or list used as a key", () => {
  it("is read as its text with a file warning at the key, and nothing goes to process warnings", () => {
    const emitted: string[] = [];
    const listen = (w: Error) => emitted.push(w.message);
    process.on("warning", listen);
    try {
      const result = loadStructured("spec:\n  {{ replicas }}: 3\n  name: etcd\n");
      expect(result).toMatchObject({
        ok: true,
        warnings: [{ code: "template/collection-key", line: 2, column: 3 }],
      });
      if (!result.ok) return;
      expect(result.documents[0]!.value).toMatchObject({ spec: { name: "etcd" } });
    } finally {
      process.off("warning", listen);
    }
    expect(emitted).toEqual([]);
  });
});

describe("duplicate keys", () => {
  it("are read as every common reader does (the last one wins), with a warning at the second key", () => {
    const result = loadStructured("a: 1\nb:\n  c: 1\n  c: 2\n");
    expect(result).toMatchObject({
      ok: true,
      warnings: [{ code: "template/duplicate-key", line: 4, column: 3 }],
    });
    if (!result.ok) return;
    expect(result.documents[0]!.value).toEqual({ a: 1, b: { c: 2 } });
    // The line of a duplicated key is the line of the value used.
    expect(result.documents[0]!.lineOf("b.c")).toBe(4);
    const json = loadStructured('{"a": 1,\n "a": 2}');
    expect(json).toMatchObject({ ok: true, warnings: [{ line: 2, column: 2 }] });
  });

  it("can still be refused, with the position of the second key", () => {
    expect(loadStructured("a: 1\nb:\n  c: 1\n  c: 2\n", { uniqueKeys: true })).toMatchObject({
      ok: false,
      error: { code: "template/parse-failed", line: 4, column: 3 },
    });
  });

  it("are found in linear time in a map of 20,000 keys", () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join("\n");
    const result = loadStructured(`${text}\nk7: again\n`);
    expect(result).toMatchObject({ ok: true, warnings: [{ line: 20_001 }] });
  });
});

describe("lenient YAML, explained", () => {
  it("reads a tab after the spaces or the dash of an indentation as a space, with a warning", () => {
    const result = loadStructured("a:\n  b: 1\n  \tc: 2\nlist:\n  -\td: 3\n    e: 4\n");
    expect(result).toMatchObject({ ok: true, warnings: [{ code: "template/tab-indent", line: 3 }, { line: 5 }] });
    if (result.ok) expect(result.documents[0]!.value).toEqual({ a: { b: 1, c: 2 }, list: [{ d: 3, e: 4 }] });
    if (result.ok) expect(result.documents[0]!.lineOf("list.0.e")).toBe(6);
  });

  it("still refuses a line indented by tabs alone (its nesting is a guess), naming line and column", () => {
    expect(loadStructured("a:\n\tb: 1\n")).toMatchObject({ ok: false, error: { line: 2, column: 1 } });
  });

  it("reads merge keys, document end markers and a BOM", () => {
    const result = loadStructured("\uFEFFbase: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n...\n---\nd: 1\n");
    expect(result.ok && result.documents.map((d) => d.value)).toEqual([
      { base: { x: 1 }, c: { x: 1, y: 2 } },
      { d: 1 },
    ]);
  });
});
