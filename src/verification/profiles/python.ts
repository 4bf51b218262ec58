/**
 * Python (command-line tool or library): `pyproject.toml` at the root, code in a package, tests
 * under `tests/` runnable by the standard library's unittest. Dependencies, when any, are listed
 * in `requirements.txt` and installed into `.deps/` without building anything from source
 * (`--only-binary=:all:`, the nearest thing pip has to "no install scripts"); build is a byte
 * compile of every module, test is `unittest discover` — both offline.
 */
import { parseTestCounts } from './test-counts.js';
import type { DeclaredDependency, ProfileCommand, ToolchainProfile } from './toolchain-profile.js';

/** `name==1.2.3` or `name>=1.0` lines; comments, blank lines and options are skipped. */
function requirementLines(text: string): DeclaredDependency[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.split('#')[0]?.trim() ?? '';
    if (line === '' || line.startsWith('-')) return [];
    const cut = line.search(/[<>=!~;[ ]/);
    const name = cut === -1 ? line : line.slice(0, cut);
    return [{ name, spec: cut === -1 ? '' : line.slice(cut).trim(), manifest: 'requirements.txt' }];
  });
}

const PYTHON = '/usr/bin/python3';

export const pythonProfile: ToolchainProfile = {
  id: 'python',
  name: 'Python',
  manifests: ['pyproject.toml'],

  commands(files) {
    const commands: ProfileCommand[] = [];
    if (requirementLines(files.get('requirements.txt') ?? '').length > 0) {
      commands.push({
        phase: 'install',
        label: 'pip install -r requirements.txt',
        argv: [PYTHON, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--only-binary=:all:', '--target', '.deps', '-r', 'requirements.txt'],
        network: true,
        wallMs: 300_000,
      });
    }
    commands.push({ phase: 'build', label: 'python -m compileall', argv: [PYTHON, '-m', 'compileall', '-q', '-x', '(^|/)\\.deps/', '.'], network: false, wallMs: 120_000 });
    commands.push({ phase: 'test', label: 'python -m unittest', argv: [PYTHON, '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], network: false, wallMs: 300_000 });
    return commands;
  },

  dependencies(files) {
    return requirementLines(files.get('requirements.txt') ?? '');
  },

  testCounts: parseTestCounts,
};
