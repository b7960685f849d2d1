import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { sampleInput } from "../test/helpers.ts";
import { EXPORT_FORMAT_INFO, renderReport } from "./formats.ts";
import { XLSX_RESOURCE_COLUMNS, XLSX_THREAT_COLUMNS, renderXlsx } from "./xlsx.ts";

/** The workbook as a spreadsheet application would read it back: through ExcelJS's reader. */
async function reread(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

const values = (row: ExcelJS.Row): unknown[] => (row.values as unknown[]).slice(1);

describe("XLSX export", () => {
  const input = sampleInput();

  it("is a zip (XLSX) registered for ?format=xlsx with Excel's media type", async () => {
    const bytes = await renderReport("xlsx", input);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(
      Buffer.from(bytes as Uint8Array)
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");
    expect(EXPORT_FORMAT_INFO.xlsx).toMatchObject({
      extension: "xlsx",
      mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    });
  });

  it("re-reads as a Threats sheet: header, one row per threat, frozen header, autofilter over every column", async () => {
    const workbook = await reread(await renderXlsx(input));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Threats", "Resources"]);
    const ws = workbook.getWorksheet("Threats")!;
    expect(values(ws.getRow(1))).toEqual(XLSX_THREAT_COLUMNS.map((c) => c.header));
    expect(ws.rowCount).toBe(input.threats.length + 1);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    // Read back as Excel stores it: the header row, column A to S (19 columns).
    expect(ws.autoFilter).toBe("A1:S1");
    expect(XLSX_THREAT_COLUMNS).toHaveLength(19);
  });

  it("carries triage: status, owner, expiry (a date) and note", async () => {
    const ws = (await reread(await renderXlsx(input))).getWorksheet("Threats")!;
    const col = (header: string) => XLSX_THREAT_COLUMNS.findIndex((c) => c.header === header) + 1;
    const rows = [...Array(ws.rowCount - 1).keys()].map((i) => ws.getRow(i + 2));
    const accepted = rows.find((r) => r.getCell(col("Fingerprint")).value === "11111111111111111111111111111111")!;
    expect(accepted.getCell(col("Triage status")).value).toBe("accepted");
    expect(accepted.getCell(col("Owner")).value).toBe("ana@example.com");
    expect(accepted.getCell(col("Expires")).value).toEqual(new Date("2027-01-01T00:00:00.000Z"));
    expect(accepted.getCell(col("Note")).value).toBe("logs are public by design");
    const statuses = rows.map((r) => r.getCell(col("Triage status")).value);
    expect(statuses.filter((s) => s === "open")).toHaveLength(input.threats.length - 2);
  });

  it("writes text that looks like a formula as text, never as a formula", async () => {
    const evil = { ...input.threats[0]!, fingerprint: "f".repeat(32), title: '=HYPERLINK("http://x","y")' };
    const ws = (await reread(await renderXlsx({ ...input, threats: [evil] }))).getWorksheet("Threats")!;
    const title = ws.getRow(2).getCell(7);
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(title.value).toBe(evil.title);
  });

  it("re-reads a Resources sheet: one row per resource, with its threat counts and worst severity", async () => {
    const ws = (await reread(await renderXlsx(input))).getWorksheet("Resources")!;
    expect(values(ws.getRow(1))).toEqual(XLSX_RESOURCE_COLUMNS.map((c) => c.header));
    const distinct = new Set(input.threats.flatMap((t) => t.resources.map((r) => `${r.file}\u0000${r.id}`)));
    expect(ws.rowCount).toBe(distinct.size + 1);
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(ws.autoFilter).toBe("A1:G1");
    const sg = [...Array(ws.rowCount - 1).keys()]
      .map((i) => ws.getRow(i + 2))
      .find((r) => r.getCell(1).value === "aws_security_group.web")!;
    const expected = input.threats.filter((t) => t.resources.some((r) => r.id === "aws_security_group.web"));
    expect(sg.getCell(5).value).toBe(expected.length);
  });
});
