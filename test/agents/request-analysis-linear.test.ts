import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { adversarialRequests } from './adversarial-requests.js';

// The former patterns took seconds to hours on these (the cubic HEADING: 11 s at 2.8 KB, 8 s for
// the section ends of 200 KB of headings). Linear code needs a few tens of milliseconds of CPU per
// 200 KB. The bound is on CPU time (process.cpuUsage), with wall time (performance.now) reported
// beside it: on a shared 2-core CI machine the wall clock also counts other processes' turns.
const BOUND_MS = 100;

function bestOf(runs: number, work: () => void): { cpuMs: number; wallMs: number } {
  let best = { cpuMs: Infinity, wallMs: Infinity };
  for (let run = 0; run < runs; run++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    work();
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    if (cpuMs < best.cpuMs) best = { cpuMs, wallMs };
  }
  return best;
}

describe('agents: request analysis stays linear on adversarial requests', () => {
  for (const [name, text] of adversarialRequests(200_000)) {
    it(`analyses ${name} (${Math.round(text.length / 1000)} KB) in under ${BOUND_MS} ms`, () => {
      expect(text.length).to.be.greaterThan(190_000);
      const { cpuMs, wallMs } = bestOf(3, () => analyzeRequest(text));
      expect(cpuMs, `${name}: ${cpuMs.toFixed(1)} ms of CPU (${wallMs.toFixed(1)} ms wall)`).to.be.below(BOUND_MS);
    });
  }
});
