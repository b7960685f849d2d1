import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { CSV_COLUMNS, csvCell, renderCsv, UTF8_BOM } from "./csv.ts";
import { sampleMitigations } from "../test/helpers.ts";

/** A small RFC 4180 reader, so the test checks what a spreadsheet would see, not our own string building. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith(UTF8_BOM)).toBe(true);
  text = text.slice(UTF8_BOM.length);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 1;
    } else cell += c;
  }
  expect(cell).toBe("");
  return rows;
}

describe("CSV export", () => {
  it("writes one row per threat × resource, with a header", () => {
    const input = sampleInput();
    const rows = parseCsv(renderCsv(input));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const expected = input.threats.reduce((n, t) => n + Math.max(1, t.resources.length), 0);
    expect(rows).toHaveLength(expected + 1);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const ssh = rows.filter((r) => r[col("fingerprint")] === "22222222222222222222222222222222");
    expect(ssh.map((r) => r[col("resource_id")])).toEqual(["aws_security_group.web", "aws_instance.web"]);
    expect(ssh[0]![col("description")]).toContain('"quoted", with, commas\nand a second line');
    const accepted = rows.find((r) => r[col("fingerprint")] === "11111111111111111111111111111111")!;
    expect(accepted[col("triage_status")]).toBe("accepted");
    expect(accepted[col("triage_owner")]).toBe("ana@example.com");
    expect(accepted[col("triage_expires_at")]).toBe("2027-01-01T00:00:00.000Z");
  });

  it("carries each threat's mitigation records and where it stands from triage and mitigations", () => {
    const rows = parseCsv(renderCsv(sampleInput({ mitigations: sampleMitigations() })));
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const row = (fp: string) => rows.find((r) => r[col("fingerprint")] === fp)!;
    const ssh = rows.filter((r) => r[col("fingerprint")] === "22222222222222222222222222222222");
    expect(ssh).toHaveLength(2);
    for (const r of ssh) {
      expect(r[col("mitigations")]).toBe(
        "Restrict SSH to the bastion's security group (done · ops@example.com · https://tickets.example.com/SEC-12)",
      );
      expect([r[col("triage_status")], r[col("status")]]).toEqual(["open", "mitigated"]);
    }
    const bucket = row("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    expect(bucket[col("mitigations")]).toBe(
      "Block public access on every bucket (in progress) | Remove the bucket's public ACL (done · ana@example.com)",
    );
    expect(bucket[col("status")]).toBe("open");
    expect(row("11111111111111111111111111111111")[col("status")]).toBe("accepted");
    expect(row("44444444444444444444444444444444")[col("mitigations")]).toBe("");
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    const rows = parseCsv(renderCsv(sampleInput()));
    const titles = rows.map((r) => r[CSV_COLUMNS.indexOf("title")]!);
    expect(titles).toContain('\'=HYPERLINK("http://evil") SSH open to 0.0.0.0/0');
    expect(rows.map((r) => r[CSV_COLUMNS.indexOf("remediations")])).toContain("'-cmd|' /C calc'!A0");
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    for (const bad of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
      expect(csvCell(bad).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a "b"')).toBe('"a ""b"""');
  });

  it("writes a header only when there are no threats", () => {
    expect(renderCsv({ threats: [], triage: {} })).toBe(`\uFEFF${CSV_COLUMNS.join(",")}\r\n`);
  });

  it("starts with a UTF-8 byte order mark, so non-ASCII text survives a spreadsheet's round trip", () => {
    const [threat] = sampleInput().threats;
    const title = "Zugriff für Käufer";
    const owner = "zoë@exämple.de";
    const input = {
      threats: [{ ...threat!, title, description: "Ångström — 東京 — =not a formula", resources: [] }],
      triage: {
        [threat!.fingerprint]: {
          status: "accepted" as const,
          owner,
          note: '=HYPERLINK("x")',
          expiresAt: null,
          updatedAt: "2026-11-26T10:00:00.000Z",
        },
      },
    };
    const bytes = Buffer.from(renderCsv(input), "utf8");
    // What Excel sniffs: EF BB BF, then the header.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3, 3 + "fingerprint".length).toString("latin1")).toBe("fingerprint");
    // A UTF-8 reader drops the mark (TextDecoder does by default, as spreadsheets do) and gets the text back.
    const decoded = new TextDecoder("utf-8").decode(bytes);
    expect(decoded.startsWith("fingerprint,")).toBe(true);
    const rows = parseCsv(UTF8_BOM + decoded);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    expect(rows[1]![col("title")]).toBe(title);
    expect(rows[1]![col("triage_owner")]).toBe(owner);
    expect(rows[1]![col("description")]).toBe("Ångström — 東京 — =not a formula");
    // The mark changes nothing about formula defusing: it sits before the header, never inside a cell.
    expect(rows[1]![col("triage_note")]).toBe('\'=HYPERLINK("x")');
    expect(renderCsv(input).match(/\uFEFF/g)).toHaveLength(1);
  });
});
