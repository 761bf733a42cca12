/**
 * How the running service's code was compiled, as the launcher (launch.ts) tells it: from the
 * code cache an earlier start wrote, or from source. Absent when the service runs from its
 * TypeScript (tests, `tsx`), where there is nothing to keep.
 */
export interface CompiledCode {
  state: 'from cache' | 'compiled' | 'cache refused';
  /** Writes the code compiled so far for the next start; true when written. Once a process. */
  save(): boolean;
}

export const COMPILED_CODE = Symbol.for('iqts.compiledCode');

export function compiledCode(): CompiledCode | undefined {
  return (globalThis as Record<symbol, CompiledCode | undefined>)[COMPILED_CODE];
}
