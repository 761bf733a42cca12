import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { round, summarise, type Summary } from './stats.ts';

export interface ContenderResult {
  name: string;
  unit: string;
  summary: Summary;
  /** Other figures for this contender (p99 latency, RSS…), as medians. */
  extra?: Record<string, number>;
}

export interface Goal {
  label: string;
  value: number;
  goal: string;
  met: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  higherIsBetter: boolean;
  contenders: ContenderResult[];
  goals: Goal[];
  notes?: string[];
}

export function contender(
  name: string,
  unit: string,
  runs: number[],
  extra?: Record<string, number[]>,
): ContenderResult {
  const median = (xs: number[]) => summarise(xs).median;
  return {
    name,
    unit,
    summary: summarise(runs),
    ...(extra ? { extra: Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, median(v)])) } : {}),
  };
}

export function machineFacts() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-GB');
  return String(round(n, Math.abs(n) >= 10 ? 1 : 2));
}

export function toMarkdown(results: {
  date: string;
  quick: boolean;
  machine: ReturnType<typeof machineFacts>;
  scenarios: ScenarioResult[];
}): string {
  const lines = [
    `Benchmarks run ${results.date}${results.quick ? ' (quick smoke run: figures not comparable)' : ''} on ${results.machine.cores} cores (${results.machine.cpu}), Node ${results.machine.node}.`,
    'Contenders ran alternately (A B A B …); min / median / max over the rounds.',
    '',
  ];
  for (const s of results.scenarios) {
    lines.push(
      `### ${s.title}`,
      '',
      '| contender | median | min | max | unit | other (medians) |',
      '|---|---:|---:|---:|---|---|',
    );
    for (const c of s.contenders) {
      const extra = Object.entries(c.extra ?? {})
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ');
      lines.push(
        `| ${c.name} | ${fmt(c.summary.median)} | ${fmt(c.summary.min)} | ${fmt(c.summary.max)} | ${c.unit} | ${extra} |`,
      );
    }
    if (s.goals.length) {
      lines.push('', '| ratio / figure | value | goal | met |', '|---|---:|---|---|');
      for (const g of s.goals) lines.push(`| ${g.label} | ${fmt(g.value)} | ${g.goal} | ${g.met ? 'yes' : '**no**'} |`);
    }
    for (const note of s.notes ?? []) lines.push('', note);
    lines.push('');
  }
  return lines.join('\n');
}

export function writeResults(dir: string, results: Parameters<typeof toMarkdown>[0]): string {
  const md = toMarkdown(results);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/latest.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`${dir}/latest.md`, md + '\n');
  return md;
}
