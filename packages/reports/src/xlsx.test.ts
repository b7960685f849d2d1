import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { sampleInput, sampleMitigations } from "../test/helpers.ts";
import { EXPORT_FORMAT_INFO, renderReport } from "./formats.ts";
import { XLSX_MITIGATION_COLUMNS, XLSX_RESOURCE_COLUMNS, XLSX_THREAT_COLUMNS, renderXlsx } from "./xlsx.ts";

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
    // Read back as Excel stores it: the header row, column A to U (21 columns).
    expect(ws.autoFilter).toBe("A1:U1");
    expect(XLSX_THREAT_COLUMNS).toHaveLength(21);
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

  it("carries mitigation records: a column on each threat, where the threat stands, and a Mitigations sheet", async () => {
    const records = sampleMitigations();
    const workbook = await reread(await renderXlsx({ ...input, mitigations: records }));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Threats", "Resources", "Mitigations"]);
    const ws = workbook.getWorksheet("Threats")!;
    const col = (header: string) => XLSX_THREAT_COLUMNS.findIndex((c) => c.header === header) + 1;
    const rowOf = (fp: string) =>
      [...Array(ws.rowCount - 1).keys()].map((i) => ws.getRow(i + 2)).find((r) => r.getCell(1).value === fp)!;
    const ssh = rowOf("22222222222222222222222222222222");
    expect(ssh.getCell(col("Mitigations")).value).toBe(
      "Restrict SSH to the bastion's security group (done · ops@example.com · https://tickets.example.com/SEC-12)",
    );
    expect(ssh.getCell(col("Triage status")).value).toBe("open");
    expect(ssh.getCell(col("Status")).value).toBe("mitigated");
    expect(rowOf("0f1e2d3c4b5a69788796a5b4c3d2e1f0").getCell(col("Status")).value).toBe("open");
    const sheet = workbook.getWorksheet("Mitigations")!;
    expect(values(sheet.getRow(1))).toEqual(XLSX_MITIGATION_COLUMNS.map((c) => c.header));
    expect(sheet.rowCount).toBe(records.length + 1);
    const first = sheet.getRow(2);
    expect(first.getCell(2).value).toBe("done");
    expect(first.getCell(4).value).toMatchObject({ hyperlink: "https://tickets.example.com/SEC-12" });
    expect(sheet.getRow(3).getCell(6).value).toBe("S3 bucket is publicly readable\nS3 bucket is publicly readable");
    // Without records there is no Mitigations sheet and every threat's status is its triage status.
    const plain = (await reread(await renderXlsx(input))).getWorksheet("Threats")!;
    for (let i = 2; i <= plain.rowCount; i += 1)
      expect(plain.getRow(i).getCell(col("Status")).value).toBe(plain.getRow(i).getCell(col("Triage status")).value);
  });
});
