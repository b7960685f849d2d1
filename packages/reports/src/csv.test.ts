import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { CSV_COLUMNS, csvCell, renderCsv } from "./csv.ts";

/** A small RFC 4180 reader, so the test checks what a spreadsheet would see, not our own string building. */
function parseCsv(text: string): string[][] {
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
    expect(renderCsv({ threats: [], triage: {} })).toBe(`${CSV_COLUMNS.join(",")}\r\n`);
  });
});
