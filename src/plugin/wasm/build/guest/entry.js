/**
 * The component's entry module: adapts the author's module (`./tool.js`) to the WIT world
 * `ironclaw:plugin/tool`. The author exports
 *   description  a string (or a function returning one)
 *   schema       a JSON schema object for the parameters (or a string / a function returning one)
 *   execute      function (params, context) → any value; strings are returned as they are,
 *                anything else JSON-encoded; a thrown error becomes the call's tool-failure.
 * Everything is checked here at the module top level, which runs during the build: a tool that
 * does not have this shape fails to build with a message saying what is missing.
 */
import { markRunning } from "./prelude.js";
import * as tool from "./tool.js";

function fail(message) {
  throw new Error(`the tool module ${message}`);
}

function toText(value) {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

function messageOf(error) {
  if (error instanceof Error)
    return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

if (typeof tool.execute !== "function") fail("must export a function `execute(params, context)`");
if (tool.description === undefined) fail("must export `description` (a string)");
if (tool.schema === undefined) fail("must export `schema` (a JSON schema object for the parameters)");
if (
  typeof tool.description !== "function" &&
  (typeof tool.description !== "string" || !tool.description.trim())
)
  fail("must export `description` as a non-empty string");
if (typeof tool.schema !== "function") {
  const staticSchema = typeof tool.schema === "string" ? JSON.parse(tool.schema) : tool.schema;
  if (!staticSchema || typeof staticSchema !== "object" || staticSchema.type !== "object")
    fail('must export `schema` as an object schema ({ type: "object", properties: … })');
}

export function description() {
  markRunning();
  return String(typeof tool.description === "function" ? tool.description() : tool.description);
}

export function schema() {
  markRunning();
  return toText(typeof tool.schema === "function" ? tool.schema() : tool.schema);
}

export function execute(paramsJson, contextJson) {
  markRunning();
  let params;
  let context;
  try {
    params = JSON.parse(paramsJson);
    context = JSON.parse(contextJson);
  } catch (error) {
    throw { message: `the parameters are not valid JSON: ${messageOf(error)}` };
  }
  let result;
  try {
    result = tool.execute(params, context);
  } catch (error) {
    throw { message: messageOf(error) || "the tool failed without a message" };
  }
  if (result !== null && typeof result === "object" && typeof result.then === "function")
    throw {
      message:
        "execute returned a Promise: tools run synchronously (http calls block), write `function execute`, not `async function execute`",
    };
  return result === undefined ? "" : toText(result);
}
