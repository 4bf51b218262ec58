// The sandbox contains what model-written code may try: reading the worker's secrets, writing
// outside its directory, reaching the network, forking without end, never ending, flooding its
// output. Each case runs a real command in a real sandbox on this host; the isolation the host
// grants is probed, and a case whose protection the host cannot give is reported as pending.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { hostIsolation } from '../../src/verification/sandbox/isolation.js';
import { runSandboxed } from '../../src/verification/sandbox/sandbox.js';

const SCRATCH_ROOT = '/var/tmp';

describe('verification: the sandbox', function () {
  this.timeout(60_000);
  const host = hostIsolation();
  let workDir = '';

  beforeEach(async () => {
    workDir = await mkdtemp(join(SCRATCH_ROOT, 'zekka-sandbox-test-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs a command in its directory and reports its exit code, output and isolation', async () => {
    await writeFile(join(workDir, 'main.js'), "console.log('hello from', process.cwd()); process.exit(3);");
    const result = await runSandboxed({ argv: ['node', 'main.js'], workDir, network: false });
    expect(result.exitCode, result.output).to.equal(3);
    expect(result.output).to.include(`hello from ${workDir}`);
    expect(result.limit).to.equal(undefined);
    expect(result.isolation.network).to.equal(host.network ? 'cut' : 'not-cut');
  });

  it('passes none of the worker environment: no secrets, keys or URLs', async () => {
    process.env.ZEKKA_SANDBOX_CANARY = 'secret-canary-value';
    try {
      await writeFile(join(workDir, 'env.js'), 'console.log(JSON.stringify(process.env));');
      const result = await runSandboxed({ argv: ['node', 'env.js'], workDir, network: false, env: { GIVEN: 'yes' } });
      const seen = JSON.parse(result.output.trim()) as Record<string, string>;
      expect(seen.GIVEN).to.equal('yes');
      expect(result.output).not.to.include('secret-canary-value');
      for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'ZEKKA_SANDBOX_CANARY']) {
        expect(seen, name).not.to.have.property(name);
      }
    } finally {
      delete process.env.ZEKKA_SANDBOX_CANARY;
    }
  });

  it('cannot write outside its directory', async function () {
    if (!host.filesystem && !host.user) this.skip();
    const outside = join(SCRATCH_ROOT, `zekka-sandbox-outside-${process.pid}`);
    await writeFile(join(workDir, 'escape.sh'), `echo x > ${outside}; echo y > /etc/zekka-escape; echo z > own.txt`);
    const result = await runSandboxed({ argv: ['sh', 'escape.sh'], workDir, network: false });
    expect(await stat(outside).then(() => true, () => false), result.output).to.equal(false);
    expect(await stat('/etc/zekka-escape').then(() => true, () => false)).to.equal(false);
    expect((await readFile(join(workDir, 'own.txt'), 'utf8')).trim()).to.equal('z');
  });

  it('has no network for build and test, not even the loopback a worker uses', async function () {
    if (!host.network) this.skip();
    const server: Server = createServer((socket) => socket.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const probe = `require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log('REFUSED', e.code); process.exit(7); });`;
      await writeFile(join(workDir, 'net.js'), probe);
      const result = await runSandboxed({ argv: ['node', 'net.js'], workDir, network: false });
      expect(result.output).not.to.include('CONNECTED');
      expect(result.exitCode, result.output).to.equal(7);
      expect(result.isolation.network).to.equal('cut');
    } finally {
      server.close();
    }
  });

  it('gives the command a loopback of its own: a server it starts is reachable, the host stays cut off', async function () {
    if (!host.network) this.skip();
    const script = [
      "const net = require('net');",
      "const server = net.createServer((socket) => socket.end('own loopback')).listen(0, '127.0.0.1', () => {",
      "  net.connect(server.address().port, '127.0.0.1').on('data', (data) => { console.log(String(data)); process.exit(0); }).on('error', (e) => { console.log('UNREACHABLE', e.code); process.exit(7); });",
      '});',
    ].join('\n');
    await writeFile(join(workDir, 'own-loopback.js'), script);
    const result = await runSandboxed({ argv: ['node', 'own-loopback.js'], workDir, network: false });
    expect(result.output).to.include('own loopback');
    expect(result.exitCode, result.output).to.equal(0);
  });

  it('stops a fork bomb at the process cap and the host keeps going', async () => {
    await writeFile(join(workDir, 'bomb.sh'), 'bomb() { bomb | bomb & }; bomb; sleep 5');
    const result = await runSandboxed({ argv: ['bash', 'bomb.sh'], workDir, network: false, limits: { processes: 32, wallMs: 8_000 } });
    expect(['processes', 'wall-time']).to.include(result.limit);
    expect(result.durationMs).to.be.below(30_000);
  });

  it('kills a command that never ends, with every process it started, at the wall-time limit', async () => {
    const marker = join(workDir, 'still-alive');
    await writeFile(join(workDir, 'forever.sh'), `(while true; do date > ${marker}; sleep 0.1; done) & sleep 1000`);
    const result = await runSandboxed({ argv: ['sh', 'forever.sh'], workDir, network: false, limits: { wallMs: 1_500 } });
    expect(result.limit).to.equal('wall-time');
    expect(result.durationMs).to.be.below(10_000);
    const before = await readFile(marker, 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await readFile(marker, 'utf8'), 'the background loop was killed too').to.equal(before);
  });

  it('caps CPU time and file size', async () => {
    await writeFile(join(workDir, 'spin.js'), 'for (;;) {}');
    const spin = await runSandboxed({ argv: ['node', 'spin.js'], workDir, network: false, limits: { cpuSeconds: 1, wallMs: 20_000 } });
    expect(spin.limit, spin.output).to.equal('cpu-time');
    await writeFile(join(workDir, 'big.sh'), 'head -c 5000000 /dev/zero > big.bin');
    const big = await runSandboxed({ argv: ['sh', 'big.sh'], workDir, network: false, limits: { fileSizeBytes: 1_000_000 } });
    expect(big.limit, big.output).to.equal('file-size');
    expect((await stat(join(workDir, 'big.bin'))).size).to.be.at.most(1_000_000);
  });

  it('keeps only the tail of a flood of output', async () => {
    await writeFile(join(workDir, 'flood.js'), "for (let i = 0; i < 200000; i++) console.log('line ' + i);");
    const result = await runSandboxed({ argv: ['node', 'flood.js'], workDir, network: false, limits: { outputBytes: 4_096 } });
    expect(result.outputTruncated).to.equal(true);
    expect(result.output.length).to.be.at.most(4_096);
    expect(result.output).to.include('line 199999');
    expect(result.outputBytes).to.be.above(1_000_000);
  });

  it('caps memory', async function () {
    if (!host.cgroup.memory) this.skip();
    await writeFile(join(workDir, 'hog.js'), 'const a = []; for (;;) a.push(Buffer.alloc(16 * 1024 * 1024, 1));');
    const result = await runSandboxed({ argv: ['node', 'hog.js'], workDir, network: false, limits: { memoryBytes: 128 * 1024 ** 2 } });
    expect(result.exitCode, result.output).not.to.equal(0);
    expect(result.limit, result.output).to.equal('memory');
  });
});
