/**
 * A Python library: one dataclass per entity (its fields from the request) and a typed in-memory
 * `Collection` with add / get / find / remove, exported from the package's `__init__.py`.
 */
import type { AgentTask } from '../../agents/agent-task.js';
import { file, type OutputFile } from '../scaffold.js';
import { pyString, type PythonProgram } from './python-names.js';

export function libraryFiles(task: AgentTask, program: PythonProgram): OutputFile[] {
  const pkg = program.packageName;
  const names = program.entities.map((entity) => entity.name);
  return [
    file(task, `${pkg}/__init__.py`, [
      `"""${program.distribution}: the entities ${names.join(', ')} and a Collection to keep them in."""`,
      'from .collection import Collection, NotFound',
      `from .models import ${names.join(', ')}`,
      '',
      `__all__ = ["Collection", "NotFound", ${names.map(pyString).join(', ')}, "__version__"]`,
      '__version__ = "0.1.0"',
    ]),
    file(task, `${pkg}/models.py`, [
      '"""The entities of the request, as dataclasses; every one has an id and a name."""',
      'from __future__ import annotations',
      '',
      'from dataclasses import dataclass',
      '',
      ...program.entities.flatMap((entity) => [
        '',
        '@dataclass',
        `class ${entity.name}:`,
        '    id: int',
        '    name: str',
        ...entity.fields.map((field) => `    ${field}: str = ""`),
        '',
        '    def __post_init__(self) -> None:',
        '        if not self.name.strip():',
        '            raise ValueError("name must not be empty")',
        '',
      ]),
    ]),
    file(task, `${pkg}/collection.py`, [
      '"""A typed, in-memory collection of records that have an integer id."""',
      'from __future__ import annotations',
      '',
      'from typing import Any, Callable, Generic, Iterator, Protocol, TypeVar',
      '',
      '',
      'class HasId(Protocol):',
      '    id: int',
      '',
      '',
      'T = TypeVar("T", bound=HasId)',
      '',
      '',
      'class NotFound(LookupError):',
      '    """No record has that id."""',
      '',
      '',
      'class Collection(Generic[T]):',
      '    def __init__(self) -> None:',
      '        self._items: dict[int, T] = {}',
      '',
      '    def __len__(self) -> int:',
      '        return len(self._items)',
      '',
      '    def __iter__(self) -> Iterator[T]:',
      '        return iter(sorted(self._items.values(), key=lambda item: item.id))',
      '',
      '    def add(self, item: T) -> T:',
      '        if item.id in self._items:',
      '            raise ValueError(f"id {item.id} is already in the collection")',
      '        self._items[item.id] = item',
      '        return item',
      '',
      '    def get(self, item_id: int) -> T:',
      '        try:',
      '            return self._items[item_id]',
      '        except KeyError:',
      '            raise NotFound(f"no record with id {item_id}") from None',
      '',
      '    def find(self, predicate: Callable[[T], bool] | None = None, **equal: Any) -> list[T]:',
      '        """Records matching the predicate and every attribute=value given."""',
      '        return [',
      '            item',
      '            for item in self',
      '            if (predicate is None or predicate(item)) and all(getattr(item, key) == value for key, value in equal.items())',
      '        ]',
      '',
      '    def remove(self, item_id: int) -> T:',
      '        if item_id not in self._items:',
      '            raise NotFound(f"no record with id {item_id}")',
      '        return self._items.pop(item_id)',
    ]),
  ];
}

export function libraryTests(task: AgentTask, program: PythonProgram): OutputFile {
  const pkg = program.packageName;
  return file(task, `tests/test_${pkg}.py`, [
    '"""The library\'s public API: the entities and the Collection."""',
    'import unittest',
    'from dataclasses import asdict',
    '',
    `from ${pkg} import Collection, NotFound, ${program.entities.map((entity) => entity.name).join(', ')}`,
    '',
    '',
    'class CollectionTest(unittest.TestCase):',
    ...program.entities.flatMap((entity) => {
      const snake = entity.command.replaceAll('-', '_');
      return [
        `    def test_${snake}_add_get_find_remove(self) -> None:`,
        `        items: Collection[${entity.name}] = Collection()`,
        `        first = items.add(${entity.name}(id=1, name="first"))`,
        `        items.add(${entity.name}(id=2, name="second"))`,
        '        self.assertIs(items.get(1), first)',
        '        self.assertEqual([item.name for item in items.find(name="second")], ["second"])',
        '        self.assertEqual(len(items.find(lambda item: item.id > 0)), 2)',
        '        self.assertEqual(items.remove(1), first)',
        '        self.assertEqual(len(items), 1)',
        '        with self.assertRaises(NotFound):',
        '            items.get(1)',
        `        self.assertEqual(asdict(items.get(2))["name"], "second")`,
        '',
        `    def test_${snake}_refuses_an_empty_name_and_a_duplicate_id(self) -> None:`,
        '        with self.assertRaises(ValueError):',
        `            ${entity.name}(id=1, name=" ")`,
        `        items: Collection[${entity.name}] = Collection()`,
        `        items.add(${entity.name}(id=1, name="one"))`,
        '        with self.assertRaises(ValueError):',
        `            items.add(${entity.name}(id=1, name="again"))`,
        '',
      ];
    }),
    '    def test_removing_a_missing_id_raises(self) -> None:',
    '        with self.assertRaises(NotFound):',
    '            Collection().remove(99)',
    '',
    '',
    'if __name__ == "__main__":',
    '    unittest.main()',
  ]);
}
