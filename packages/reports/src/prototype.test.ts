import { describe, expect, it } from "vitest";
import { readFixture, sampleInput } from "../test/helpers.ts";
import { pythonJsonDumps, pythonJsonString } from "./python-json.ts";
import { renderPrototypeJson, toPrototypeModel } from "./prototype.ts";

describe("prototype JSON export", () => {
  it("matches Python's json.dumps(indent=4) byte for byte", () => {
    expect(renderPrototypeJson(sampleInput())).toBe(readFixture("prototype.golden.json"));
  });

  it("writes all six categories, in order, when there are no threats", () => {
    expect(renderPrototypeJson({ threats: [] })).toBe(readFixture("prototype-empty.golden.json"));
  });

  it("makes titles unique within a category but not across categories", () => {
    const [first] = sampleInput().threats;
    const model = toPrototypeModel([first!, first!, { ...first!, category: "Tampering" }]);
    expect(Object.keys(model.InformationDisclosure)).toEqual([
      "S3 bucket is publicly readable",
      "S3 bucket is publicly readable (2)",
    ]);
    expect(Object.keys(model.Tampering)).toEqual(["S3 bucket is publicly readable"]);
  });

  it("escapes like Python's ensure_ascii", () => {
    expect(pythonJsonString("é\u2028😀\u0000\u001f\u007f~ ")).toBe(
      '"\\u00e9\\u2028\\ud83d\\ude00\\u0000\\u001f\\u007f~ "',
    );
    expect(pythonJsonDumps({ a: [], b: {}, c: [1, true, null] }, 4)).toBe(
      '{\n    "a": [],\n    "b": {},\n    "c": [\n        1,\n        true,\n        null\n    ]\n}',
    );
  });
});
