import type { NextFunction, Request, Response } from "express";
import type { z } from "zod";
import { AppError, findLoneSurrogate } from "@threatline/domain";

interface Schemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

/** Parsed request parts, typed from the route's schemas. */
export interface Validated<S extends Schemas> {
  body: S["body"] extends z.ZodType ? z.infer<S["body"]> : undefined;
  query: S["query"] extends z.ZodType ? z.infer<S["query"]> : undefined;
  params: S["params"] extends z.ZodType ? z.infer<S["params"]> : undefined;
}

/**
 * Parses body, query and params with zod and stores the result in `res.locals.input`; answers
 * 400 `request/invalid` with the issues otherwise. Routes read `input(res)`, never `req.body`.
 * A string with a lone surrogate (`"\ud800"`, valid JSON but not text) is refused here, wherever it is: it
 * cannot be stored, and reached the database as a 500 before.
 */
export function validate<S extends Schemas>(schemas: S) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const out: Record<string, unknown> = {};
    for (const part of ["body", "query", "params"] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const bad = findLoneSurrogate(req[part]);
      if (bad) {
        const path = [part, ...bad].join(".");
        next(
          new AppError("request/invalid", `Invalid ${part}: ${path} is not valid Unicode (a lone surrogate)`, [
            { path, message: "lone surrogate" },
          ]),
        );
        return;
      }
      const parsed = schema.safeParse(req[part] ?? {});
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: [part, ...i.path].join("."), message: i.message }));
        next(new AppError("request/invalid", `Invalid ${part}: ${details[0]?.path} ${details[0]?.message}`, details));
        return;
      }
      out[part] = parsed.data;
    }
    res.locals.input = out;
    next();
  };
}

export function input<S extends Schemas>(res: Response, _schemas: S): Validated<S> {
  return res.locals.input as Validated<S>;
}
