/** The OpenAPI 3.1 document of the REST API, made from the route table's schemas. */

import { z } from 'zod';
import { BASE, REST_ROUTES } from './api';

const error = {
  description: 'refused: result "failed", a code and a message',
  content: {
    'application/json': {
      schema: z.toJSONSchema(z.object({ result: z.literal('failed'), request_id: z.string(), code: z.string(), message: z.string() })),
    },
  },
};

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of REST_ROUTES) {
    const full = BASE + r.path;
    const params = [...full.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = r.query
      ? Object.entries((z.toJSONSchema(r.query) as { properties?: Record<string, { description?: string }> }).properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          ...(schema.description ? { description: schema.description } : {}),
          schema,
        }))
      : [];
    (paths[full] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.agora ? 'Agora RTM RESTful API' : 'sig2rtm extensions'],
      parameters: [...params, ...query],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body) } } } } : {}),
      responses: {
        '200': { description: 'done', content: { 'application/json': { schema: z.toJSONSchema(r.response) } } },
        '400': error,
        '401': error,
        ...(r.operationId === 'kick-user' ? { '404': error } : {}),
        '413': error,
        ...(r.message ? { '429': error } : {}),
        '500': error,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'sig2rtm REST API',
      version,
      description:
        "For app servers: messages, online status, channel members and attributes, kicks. Agora's RTM RESTful API paths where Agora has the call. Authenticate with HTTP Basic customerId:customerSecret of the app (apps.<appId>.rest in the configuration).",
    },
    servers: [{ url: '/' }],
    security: [{ basic: [] }],
    components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
    paths,
  };
}
