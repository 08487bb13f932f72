// The web role's HTTP server makes requests and responses with express's own
// prototypes, so express's per-request Object.setPrototypeOf changes nothing
// (on V8 that change made every request's objects old-generation garbage:
// src/roles/web.app.ts). What a route sees must stay what express gives it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebServer } from '../src/roles/web.app.js';

const app = express();
const seen: { requestProtoIsApps: boolean; responseProtoIsApps: boolean; appIsApp: boolean }[] = [];
app.get('/probe', (req, res) => {
  seen.push({
    requestProtoIsApps: Object.getPrototypeOf(req) === app.request,
    responseProtoIsApps: Object.getPrototypeOf(res) === app.response,
    appIsApp: req.app === app,
  });
  res.status(201).json({ path: req.path, query: req.query.q ?? null });
});
const server = createWebServer(app);
let url = '';

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

it('hands routes requests and responses that already have the prototypes express would set', async () => {
  const response = await fetch(`${url}/probe?q=x`);
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual({ path: '/probe', query: 'x' });
  expect(seen).toEqual([{ requestProtoIsApps: true, responseProtoIsApps: true, appIsApp: true }]);
});

it('still answers what no route takes, as express does', async () => {
  const response = await fetch(`${url}/nothing-here`);
  expect(response.status).toBe(404);
});
