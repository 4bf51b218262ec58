/**
 * Every response a test receives, checked against the OpenAPI document the server itself serves
 * (`/api/openapi.json`), so the document and the API cannot drift apart: the operation must
 * declare the status, the content type (parameters such as charset aside) and — for JSON — a
 * schema the body satisfies. A path that is not in the document (Swagger UI, Bull Board, the
 * dashboard, unknown URLs) is not checked; neither is a method the path does not declare.
 *
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, so the checker is Ajv's 2020 dialect with
 * ajv-formats: the reference implementation of that dialect, well kept, already in the tree
 * through @redocly/openapi-core. (chai-openapi-response-validator and openapi-response-validator
 * read OpenAPI 2 and 3.0 only — kogosoftwarellc/open-api#890.)
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface MediaType {
  schema?: unknown;
}
interface Operation {
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

export interface CheckedResponse {
  method: string;
  /** The request path with its query string. */
  url: string;
  status: number;
  contentType: string;
  text: string;
}

const DOCUMENT_ID = 'urn:zekka:openapi';
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const mediaOf = (type: string) => type.split(';')[0]?.trim().toLowerCase() ?? '';

export class OpenApiResponses {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literal: number }[];

  constructor(private readonly document: OpenApi) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
    // `{path}` is the one parameter that spans segments (Express `*path`); literal templates win.
    this.templates = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.split('/').map(segmentPattern).join('/')}$`),
        literal: template.split('/').filter((segment) => !segment.startsWith('{')).length,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  /** Problems with the response; empty when the document describes it (or does not cover the path). */
  check(response: CheckedResponse): string[] {
    const path = response.url.split('?')[0] ?? '';
    const method = response.method.toLowerCase();
    const template = this.templates.find((t) => t.pattern.test(path) && this.document.paths[t.template]?.[method])?.template;
    if (!template) return [];
    const where = `${response.method} ${template} → ${response.status}`;
    const responses = this.document.paths[template]?.[method]?.responses ?? {};
    const status = String(response.status);
    const declared = responses[status] ?? responses[`${status[0]}XX`] ?? responses.default;
    if (!declared) return [`${where}: status not in the document (it has ${Object.keys(responses).join(', ')})`];
    const media = mediaOf(response.contentType);
    const content = declared.content ?? {};
    if (response.text.length === 0 && media === '') return [];
    const key = Object.keys(content).find((type) => mediaOf(type) === media);
    if (key === undefined) return [`${where}: content type ${JSON.stringify(response.contentType)} not in the document (it has ${JSON.stringify(Object.keys(content))})`];
    if (!/json/.test(media) || content[key]?.schema === undefined) return [];
    const ref = `${DOCUMENT_ID}#/${pointer('paths', template, method, 'responses', status in responses ? status : `${status[0]}XX` in responses ? `${status[0]}XX` : 'default', 'content', key, 'schema')}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      return [`${where}: ${media} body is not JSON`];
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${where}: body${e.instancePath} ${e.message ?? 'invalid'} ${JSON.stringify(e.params)}`);
  }
}

const checkers = new Map<string, Promise<OpenApiResponses>>();

/** The checker for the API at `baseUrl`, built once from the document it serves. */
export function openApiResponsesOf(baseUrl: string): Promise<OpenApiResponses> {
  let checker = checkers.get(baseUrl);
  if (!checker) {
    checker = fetch(`${baseUrl}/api/openapi.json`).then(async (response) => {
      if (response.status !== 200) throw new Error(`GET /api/openapi.json: ${response.status}`);
      return new OpenApiResponses((await response.json()) as OpenApi);
    });
    checker.catch(() => checkers.delete(baseUrl));
    checkers.set(baseUrl, checker);
  }
  return checker;
}

/** A path template's segment as a pattern: `{path}` spans segments, another `{name}` is one segment. */
function segmentPattern(segment: string): string {
  if (segment === '{path}') return '.+';
  if (segment.startsWith('{') && segment.endsWith('}')) return '[^/]+';
  return segment.replace(/[.+?^$()[\]\\|{}*]/g, '\\$&');
}
