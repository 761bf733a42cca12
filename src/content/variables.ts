import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The values file: each `$name$` placeholder's value and where the fact comes from. */
const valuesSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'variable names are letters, digits and underscores'),
  z.strictObject({ value: z.string(), source: z.string().min(1, 'every value needs a source') }),
);

export type Values = Record<string, string>;

export function loadValues(contentDir: string): { values: Values; error?: string } {
  const file = join(contentDir, 'values.yaml');
  if (!existsSync(file)) return { values: {} };
  const parsed = valuesSchema.safeParse(parseYaml(readFileSync(file, 'utf8'), { schema: 'core' }) ?? {});
  if (!parsed.success)
    return {
      values: {},
      error: `values.yaml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    };
  return { values: Object.fromEntries(Object.entries(parsed.data).map(([k, v]) => [k, v.value])) };
}

export const VARIABLE = /\$([A-Za-z][A-Za-z0-9_]*)\$/g;

/** Fills `$name$` placeholders. An unknown name becomes nothing (never shown raw) and is reported. */
export function fillVariables(text: string, values: Values): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const filled = text.replace(VARIABLE, (_, name: string) => {
    if (Object.hasOwn(values, name)) return values[name]!;
    unknown.push(name);
    return '';
  });
  return { text: filled, unknown };
}
