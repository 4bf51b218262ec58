/** Offline generators of stage 5 that work per page or per entity: components, pages, forms. */
import { humanize, kebabCase } from '../agents/naming.js';
import type { AgentTask } from '../agents/agent-task.js';
import { domainModel, type EntityModel, type ScalarField } from './domain.js';
import { isSignInPage } from './frontend-shell.js';
import { file, output, slugOf, subjectName, type RoleGenerator } from './scaffold.js';

/** The entity a page is about: named in the page's name (`TaskDetail` → Task) or description. */
export function entityOfPage(task: AgentTask, page: string): EntityModel | undefined {
  const entities = [...domainModel(task.analysis).entities].sort((a, b) => b.name.length - a.name.length);
  const described = (task.analysis.pageDescriptions?.[page] ?? '').toLowerCase();
  return (
    entities.find((entity) => page.includes(entity.name) || page.includes(entity.pluralPascal)) ??
    entities.find((entity) => new RegExp(`\\b(${entity.name}|${entity.pluralPascal})\\b`, 'i').test(described))
  );
}

const componentGenerator: RoleGenerator = (task) => {
  const page = subjectName(task);
  const slug = slugOf(task);
  const entity = entityOfPage(task, page);
  const panel = `${page}Panel`;
  const description = task.analysis.pageDescriptions?.[page];
  const body = entity
    ? [
        "import type { ReactElement } from 'react';",
        `import type { ${entity.name} } from '../../api/client';`,
        "import { useList } from '../../api/hooks';",
        '',
        `/** The ${entity.plural} shown on the ${page} page${description ? `: ${description}` : ''}. */`,
        `export function ${panel}(): ReactElement {`,
        `  const { data, error, loading } = useList<${entity.name}>('${entity.pluralKebab}');`,
        `  if (loading) return <p role="status">Loading ${entity.plural}…</p>;`,
        `  if (error) return <p role="alert">Could not load ${entity.plural}: {error.message}</p>;`,
        `  if (data.length === 0) return <p>No ${entity.plural} yet.</p>;`,
        '  return (',
        `    <ul aria-label="${entity.pluralPascal}">`,
        '      {data.map((row) => (',
        `        <li key={row.id}>{String(row.${entity.label})}</li>`,
        '      ))}',
        '    </ul>',
        '  );',
        '}',
      ]
    : [
        "import type { ReactElement } from 'react';",
        '',
        `const PURPOSE = ${JSON.stringify(description ?? `The request does not say what the ${page} page shows.`)};`,
        '',
        `/** The ${page} page's content. No entity of the request belongs to this page, so it shows its purpose. */`,
        `export function ${panel}(): ReactElement {`,
        '  return <p>{PURPOSE}</p>;',
        '}',
      ];
  return output(`${panel} for the ${page} page${entity ? `, listing ${entity.plural}` : ''}.`, [
    file(task, `web/src/components/${slug}/${kebabCase(panel)}.tsx`, body),
    file(task, `web/src/components/${slug}/index.ts`, [`export { ${panel} } from './${kebabCase(panel)}';`]),
  ]);
};

const pageCreator: RoleGenerator = (task) => {
  const page = subjectName(task);
  const slug = slugOf(task);
  const entity = entityOfPage(task, page);
  const headingId = `${slug}-title`;
  // The page where people sign in shows the routing manager's sign-in form.
  const signIn = task.analysis.hasApi && isSignInPage(page);
  return output(`The ${page} page${entity ? ` with the ${entity.name} list and form` : signIn ? ' with the sign-in form' : ''}.`, [
    file(task, `web/src/pages/${slug}.tsx`, [
      "import type { ReactElement } from 'react';",
      `import { ${page}Panel } from '../components/${slug}';`,
      ...(entity ? [`import { ${entity.name}Form } from '../forms/${entity.kebab}-form';`] : []),
      ...(signIn ? ["import { SignInForm } from '../routes/sign-in-form';"] : []),
      '',
      `export function ${page}Page(): ReactElement {`,
      '  return (',
      `    <section aria-labelledby="${headingId}">`,
      `      <h1 id="${headingId}">${humanize(page)}</h1>`,
      `      <${page}Panel />`,
      ...(entity ? [`      <${entity.name}Form />`] : []),
      ...(signIn ? ['      <SignInForm />'] : []),
      '    </section>',
      '  );',
      '}',
    ]),
  ]);
};

function input(field: ScalarField): string[] {
  const type = { String: /email/i.test(field.name) ? 'email' : /url|link|website/i.test(field.name) ? 'url' : 'text', Int: 'number', Float: 'number', Boolean: 'checkbox', DateTime: 'datetime-local' }[field.type];
  const label = humanize(field.name).toLowerCase();
  const value =
    field.type === 'Boolean'
      ? `checked={values.${field.name} === true} onChange={(event) => set('${field.name}', event.target.checked)}`
      : `value={String(values.${field.name} ?? '')} onChange={(event) => set('${field.name}', event.target.value)}`;
  return [
    '      <label>',
    `        ${label.charAt(0).toUpperCase()}${label.slice(1)}`,
    `        <input name="${field.name}" type="${type}"${field.required && field.type !== 'Boolean' ? ' required' : ''}${field.type === 'Float' ? ' step="any"' : ''} ${value} />`,
    '      </label>',
    `      {errors.${field.name} && <p role="alert">{errors.${field.name}}</p>}`,
  ];
}

const formHandler: RoleGenerator = (task) => {
  const entity = domainModel(task.analysis).get(subjectName(task));
  const path = `web/src/forms/${slugOf(task)}-form.tsx`;
  if (!entity) return output('No entity for this instance: an empty form module.', [file(task, path, ['export {};'])]);
  const fields: ScalarField[] = [...entity.scalars, ...entity.relations.map((relation) => ({ name: relation.foreignKey, type: 'String' as const, required: false }))];
  const numeric = entity.scalars.filter((field) => field.type === 'Int' || field.type === 'Float').map((field) => `'${field.name}'`);
  return output(`Create form for ${entity.name} with ${fields.length} fields.`, [
    file(task, path, [
      "import { useState, type FormEvent, type ReactElement } from 'react';",
      `import { ApiError, apiClient, type ${entity.name} } from '../api/client';`,
      '',
      'type Values = Record<string, string | boolean>;',
      `const NUMERIC = new Set<string>([${numeric.join(', ')}]);`,
      '',
      '/** Empty inputs are left out; numeric inputs are sent as numbers. */',
      'function toBody(values: Values): Record<string, unknown> {',
      "  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '').map(([key, value]) => [key, NUMERIC.has(key) ? Number(value) : value]));",
      '}',
      '',
      `export function ${entity.name}Form({ onSaved }: { onSaved?: (row: ${entity.name}) => void }): ReactElement {`,
      '  const [values, setValues] = useState<Values>({});',
      '  const [errors, setErrors] = useState<Record<string, string>>({});',
      '  const [saving, setSaving] = useState(false);',
      '  const set = (name: string, value: string | boolean): void => setValues((current) => ({ ...current, [name]: value }));',
      '',
      '  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {',
      '    event.preventDefault();',
      '    setSaving(true);',
      '    setErrors({});',
      '    try {',
      `      onSaved?.(await apiClient.create<${entity.name}>('${entity.pluralKebab}', toBody(values)));`,
      '      setValues({});',
      '    } catch (error) {',
      "      const field = error instanceof ApiError && error.field ? error.field : 'form';",
      "      setErrors({ [field]: error instanceof Error ? error.message : 'Could not save' });",
      '    } finally {',
      '      setSaving(false);',
      '    }',
      '  }',
      '',
      '  return (',
      `    <form aria-label="New ${humanize(entity.name).toLowerCase()}" onSubmit={(event) => void submit(event)}>`,
      ...fields.flatMap(input),
      '      <button type="submit" disabled={saving}>',
      "        {saving ? 'Saving…' : 'Save'}",
      '      </button>',
      '      {errors.form && <p role="alert">{errors.form}</p>}',
      '    </form>',
      '  );',
      '}',
    ]),
  ]);
};

export const FRONTEND_PAGE_GENERATORS: Record<string, RoleGenerator> = {
  'component-generator': componentGenerator,
  'page-creator': pageCreator,
  'form-handler': formHandler,
};
