/**
 * The offline model's generators for the Python layout (src/agents/layouts/python-layout.ts):
 * the manifest and stack decision, the program of the request's kind, its unittest tests, and the
 * README, Dockerfile and CI that run it. A web app or API asked for in Python gets the library of
 * its entities (the Python profile has no served layout yet), and its README says so.
 */
import { jsonFile, file, output, type OutputFile, type RoleGenerator } from '../scaffold.js';
import type { AgentTask } from '../../agents/agent-task.js';
import { cliFiles, cliTests } from './python-cli.js';
import { libraryFiles, libraryTests } from './python-library.js';
import { pythonProgram, pyString, type PythonProgram } from './python-names.js';
import { scriptFiles, scriptTests } from './python-script.js';
import { stackProfile } from '../stack-profile.js';

function programFiles(task: AgentTask, program: PythonProgram): OutputFile[] {
  if (program.kind === 'cli') return cliFiles(task, program);
  if (program.kind === 'script') return scriptFiles(task, program);
  return libraryFiles(task, program);
}

function testFile(task: AgentTask, program: PythonProgram): OutputFile {
  if (program.kind === 'cli') return cliTests(task, program);
  if (program.kind === 'script') return scriptTests(task, program);
  return libraryTests(task, program);
}

function usage(program: PythonProgram): string[] {
  const first = program.entities[0]?.command ?? 'item';
  if (program.kind === 'cli') {
    return ['```sh', 'pip install .', `${program.distribution} add ${first} "my first ${first}"`, `${program.distribution} list ${first}`, `${program.distribution} --help`, '```'];
  }
  if (program.kind === 'script') return ['```sh', `python3 -m ${program.packageName} data.csv --output summary.json`, '```'];
  const entity = program.entities[0]?.name ?? 'Item';
  return ['```python', `from ${program.packageName} import Collection, ${entity}`, '', `items: Collection[${entity}] = Collection()`, `items.add(${entity}(id=1, name="first"))`, '```'];
}

const techStackSelector: RoleGenerator = (task) => {
  const program = pythonProgram(task);
  const script = program.kind === 'cli' ? ['', '[project.scripts]', `${program.distribution} = "${program.packageName}.cli:main"`] : [];
  return output('Stack chosen: Python, standard library only; pyproject.toml written.', [
    file(task, 'pyproject.toml', [
      '[build-system]',
      'requires = ["setuptools>=68"]',
      'build-backend = "setuptools.build_meta"',
      '',
      '[project]',
      `name = "${program.distribution}"`,
      'version = "0.1.0"',
      `description = ${pyString(program.title)}`,
      'readme = "README.md"',
      'requires-python = ">=3.11"',
      'dependencies = []',
      ...script,
      '',
      '[tool.setuptools]',
      `packages = ["${program.packageName}"]`,
    ]),
    file(task, 'docs/architecture/tech-stack.md', [
      `# Tech stack: ${program.title}`,
      '',
      `- Kind: ${program.kind}${program.kind === 'web-app' || program.kind === 'api' ? ' (built as a library of its entities: the Python profile has no served layout yet)' : ''}`,
      '- Language: Python 3.11+, standard library only (no third-party dependencies to install or trust).',
      `- Package: \`${program.packageName}\`; distribution \`${program.distribution}\`.`,
      '- Tests: `python3 -m unittest discover -s tests -t .`; build check: `python3 -m compileall`.',
    ]),
    jsonFile(task, 'docs/architecture/decisions/tech-stack-selector.json', {
      agent: 'tech-stack-selector',
      decisions: {
        language: { choice: 'python', reason: 'the request asks for a Python program (or a program without naming a language)' },
        profile: stackProfile(task.analysis),
      },
    }),
  ]);
};

const routeCreator: RoleGenerator = (task) => {
  const program = pythonProgram(task);
  return output(`The ${program.kind} program written in ${program.packageName}/.`, programFiles(task, program));
};

const unitTestCreator: RoleGenerator = (task) => {
  const program = pythonProgram(task);
  return output('unittest tests of the program written.', [file(task, 'tests/__init__.py', []), testFile(task, program)]);
};

const readmeCreator: RoleGenerator = (task) => {
  const program = pythonProgram(task);
  return output('README written.', [
    file(task, 'README.md', [
      `# ${program.title}`,
      '',
      `A Python ${program.kind === 'cli' ? 'command-line tool' : program.kind === 'script' ? 'data-processing script' : 'library'} using only the standard library (Python 3.11+).`,
      '',
      '## Use',
      '',
      ...usage(program),
      '',
      '## Test',
      '',
      '```sh',
      'python3 -m unittest discover -s tests -t .',
      '```',
    ]),
  ]);
};

const dockerfileCreator: RoleGenerator = (task) => {
  const program = pythonProgram(task);
  const entry =
    program.kind === 'cli'
      ? `ENTRYPOINT ["${program.distribution}"]`
      : program.kind === 'script'
        ? `ENTRYPOINT ["python", "-m", "${program.packageName}"]`
        : 'CMD ["python", "-m", "unittest", "discover", "-s", "tests", "-t", "."]';
  return output('Dockerfile written.', [
    file(task, 'Dockerfile', [
      'FROM python:3.12-slim',
      'WORKDIR /app',
      'COPY . .',
      'RUN pip install --no-cache-dir . && python -m unittest discover -s tests -t .',
      'USER nobody',
      entry,
    ]),
    file(task, '.dockerignore', ['.git', '__pycache__', '*.pyc', '.deps']),
  ]);
};

const ciGenerator: RoleGenerator = (task) =>
  output('CI written.', [
    file(task, '.github/workflows/ci.yml', [
      'name: ci',
      'on: [push, pull_request]',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-python@v5',
      '        with:',
      "          python-version: '3.11'",
      '      - run: python -m compileall -q .',
      '      - run: python -m unittest discover -s tests -t . -v',
    ]),
  ]);

export const PYTHON_GENERATORS: Readonly<Record<string, RoleGenerator>> = {
  'tech-stack-selector': techStackSelector,
  'route-creator': routeCreator,
  'unit-test-creator': unitTestCreator,
  'readme-creator': readmeCreator,
  'dockerfile-creator': dockerfileCreator,
  'ci-cd-pipeline-generator': ciGenerator,
};
