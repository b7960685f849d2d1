import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, filtersFromQuery, filtersToApi, filtersToQuery } from "./query.ts";

describe("threat filters in the URL", () => {
  it("round-trips every filter through the query string", () => {
    const filters = {
      ...DEFAULT_FILTERS,
      category: "Tampering" as const,
      severity: "high" as const,
      triage: "accepted" as const,
      resource: "Deployment/prod/api",
      q: "root",
      sort: "title" as const,
      order: "asc" as const,
      page: 3,
      pageSize: 50,
    };
    const query = filtersToQuery(filters);
    expect(filtersFromQuery(query)).toEqual(filters);
  });

  it("leaves defaults out so links stay short", () => {
    expect(filtersToQuery(DEFAULT_FILTERS)).toEqual({});
  });

  it("ignores values it does not know instead of sending them to the server", () => {
    const f = filtersFromQuery({
      category: "Hacking",
      severity: "urgent",
      page: "-2",
      size: "7",
      sort: "random",
      order: "sideways",
    });
    expect(f).toEqual(DEFAULT_FILTERS);
  });

  it("turns the page into an offset for the API", () => {
    expect(filtersToApi({ ...DEFAULT_FILTERS, page: 3, pageSize: 25, q: "" })).toMatchObject({
      limit: 25,
      offset: 50,
      q: undefined,
    });
  });
});
