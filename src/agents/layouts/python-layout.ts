/**
 * The Python profile's workspace layout, as data: which catalogue roles run for a Python program
 * and the paths each writes and must produce. `{package}` is the program's import package (see
 * python-names.ts). A role not listed here runs only when everything it writes is documentation
 * (`docs/**`); the web, database and API roles of the Node layout have no Python counterpart and
 * do not run. An empty entry keeps the catalogue's paths (README.md, Dockerfile, CI).
 */
import type { AgentRole } from '../types.js';

export type RoleLayout = Partial<Pick<AgentRole, 'writes' | 'produces' | 'select' | 'instances' | 'systemPrompt'>>;

export const PYTHON_LAYOUT: Readonly<Record<string, RoleLayout>> = {
  'tech-stack-selector': {
    systemPrompt:
      'You choose the Python toolchain. Write docs/architecture/tech-stack.md, the decisions record (with {"profile": {"choice": "python"}}), and pyproject.toml: the project metadata, ' +
      'requires-python >= 3.11, no third-party dependencies (the standard library only), and a [project.scripts] console entry when the program is a command-line tool.',
    writes: ['docs/architecture/tech-stack.md', 'docs/architecture/decisions/tech-stack-selector.json', 'pyproject.toml'],
    produces: ['docs/architecture/tech-stack.md', 'pyproject.toml'],
  },
  'route-creator': {
    systemPrompt:
      'You write the Python program itself, in the package {package}/: for a command-line tool an argparse CLI in cli.py with main(argv) returning an exit code and __main__.py calling it; ' +
      'for a library a documented module API exported from __init__.py; for a data-processing script a main(argv) that reads its input file and writes its result. Standard library only; type hints; no global state.',
    writes: ['{package}/**'],
    produces: ['{package}/__init__.py'],
    select: {},
  },
  'unit-test-creator': {
    systemPrompt:
      'You write unittest tests for the Python program in tests/ (with tests/__init__.py): each public function and command exercised, including bad input, using temporary directories for any file. ' +
      'They must pass with `python3 -m unittest discover -s tests -t .` and no network.',
    writes: ['tests/**'],
    produces: ['tests/__init__.py', 'tests/test_{package}.py'],
    instances: 'single',
  },
  'readme-creator': {},
  'dockerfile-creator': {},
  'ci-cd-pipeline-generator': {},
};
