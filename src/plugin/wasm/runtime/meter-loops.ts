/**
 * Loop metering: the deadline of a WASM call. Bun cannot stop a Worker that is spinning in wasm
 * (terminate() is ignored while the loop runs), so the guest must stop itself: every loop header
 * of every function reads a stop flag and traps (`unreachable`) when it is set. The flag lives in
 * a one-page shared memory the module imports as `ironclaw:meter.stop`, a memory of its own that
 * the guest's code cannot name (a module that already imports from `ironclaw:meter` is refused);
 * the host's main thread sets it when the call's deadline passes or the turn is cancelled, while
 * the Worker is busy. Only loop headers are checked (function entries too cost 2.6x on
 * call-heavy code); code without a loop finishes in bounded time anyway.
 *
 * Why a flag and not a fuel counter calling an imported `refuel()`: the call in every loop of
 * QuickJS's interpreter cost ~+90-140% on a tight JS loop here, the atomic load ~+40-60%
 * (scripts/bench/wasm.ts prints the guest's own time).
 *
 * The walk is fail-closed: an expression kind this file does not know how to descend into is an
 * error, never a silently unmetered subtree.
 */
import binaryen from "binaryen";
import { AppError } from "../../../errors.ts";

/** Module and name of the shared memory whose first i32 stops the guest when it is not zero. */
export const meterImportModule = "ironclaw:meter";
export const meterStopName = "stop";
const stopMemory = "__ironclaw_stop";

type Children = (expression: number) => readonly number[];
type Accessor = (expression: number, value?: number) => number | number[];

const b = binaryen;
/** binaryen.js's per-kind accessors (`binaryen.If.getCondition`), which its typings omit. */
const accessors = binaryen as unknown as Record<string, Record<string, Accessor>>;

/** The kinds without children, and for the others the accessors of their child expressions. */
const leafKinds = [
  "Nop",
  "Unreachable",
  "LocalGet",
  "GlobalGet",
  "Const",
  "MemorySize",
  "RefNull",
  "RefFunc",
  "DataDrop",
  "AtomicFence",
  "TableSize",
  "Pop",
  "Rethrow",
];
const childAccessors: Record<string, readonly string[]> = {
  Block: ["getChildren"],
  If: ["getCondition", "getIfTrue", "getIfFalse"],
  Loop: ["getBody"],
  Break: ["getCondition", "getValue"],
  Switch: ["getCondition", "getValue"],
  Call: ["getOperands"],
  CallIndirect: ["getOperands", "getTarget"],
  CallRef: ["getOperands", "getTarget"],
  LocalSet: ["getValue"],
  GlobalSet: ["getValue"],
  TableGet: ["getIndex"],
  TableSet: ["getIndex", "getValue"],
  TableGrow: ["getValue", "getDelta"],
  MemoryGrow: ["getDelta"],
  Load: ["getPtr"],
  Store: ["getPtr", "getValue"],
  Unary: ["getValue"],
  Binary: ["getLeft", "getRight"],
  Select: ["getIfTrue", "getIfFalse", "getCondition"],
  Drop: ["getValue"],
  Return: ["getValue"],
  AtomicRMW: ["getPtr", "getValue"],
  AtomicCmpxchg: ["getPtr", "getExpected", "getReplacement"],
  AtomicWait: ["getPtr", "getExpected", "getTimeout"],
  AtomicNotify: ["getPtr", "getNotifyCount"],
  SIMDExtract: ["getVec"],
  SIMDReplace: ["getVec", "getValue"],
  SIMDShuffle: ["getLeft", "getRight"],
  SIMDTernary: ["getA", "getB", "getC"],
  SIMDShift: ["getVec", "getShift"],
  SIMDLoad: ["getPtr"],
  SIMDLoadStoreLane: ["getPtr", "getVec"],
  MemoryInit: ["getDest", "getOffset", "getSize"],
  MemoryCopy: ["getDest", "getSource", "getSize"],
  MemoryFill: ["getDest", "getValue", "getSize"],
  RefIsNull: ["getValue"],
  RefAs: ["getValue"],
  RefEq: ["getLeft", "getRight"],
  Try: ["getBody", "getCatchBodies"],
  Throw: ["getOperands"],
  TupleMake: ["getOperands"],
  TupleExtract: ["getTuple"],
};

function kindId(kind: string): number {
  const id = (binaryen as unknown as Record<string, unknown>)[`${kind}Id`];
  if (typeof id !== "number") throw new Error(`binaryen has no ${kind}Id`);
  return id;
}

/** `CallRef` has no `getOperands`, only `getNumOperands` + `getOperandAt`. */
function operandsByIndex(kind: string, getter: string): Accessor | undefined {
  const count = accessors[kind]?.getNumOperands;
  const at = accessors[kind]?.getOperandAt;
  if (getter !== "getOperands" || !count || !at) return undefined;
  return (expression) =>
    Array.from({ length: count(expression) as number }, (_, index) => at(expression, index) as number);
}

const childrenById = new Map<number, Children>();
for (const kind of leafKinds) childrenById.set(kindId(kind), () => []);
for (const [kind, getters] of Object.entries(childAccessors)) {
  const functions = getters.map((getter) => {
    const accessor = accessors[kind]?.[getter] ?? operandsByIndex(kind, getter);
    if (!accessor) throw new Error(`binaryen has no ${kind}.${getter}`);
    return accessor;
  });
  childrenById.set(kindId(kind), (expression) => functions.flatMap((accessor) => accessor(expression)));
}
const loopAccessors = accessors.Loop as Record<string, Accessor>;

export interface MeterResult {
  readonly bytes: Uint8Array;
  /** Loop headers that now check the stop flag. */
  readonly loops: number;
}

function meterCode(module: binaryen.Module): number {
  return module.if(module.i32.atomic.load(0, module.i32.const(0), stopMemory), module.unreachable());
}

function meterFunctionBody(module: binaryen.Module, body: number): number {
  let loops = 0;
  const stack = [body];
  while (stack.length > 0) {
    const expression = stack.pop() as number;
    const id = b.getExpressionId(expression);
    const children = childrenById.get(id);
    if (!children) {
      throw new AppError("invalid_input", `cannot meter this module: unsupported expression kind ${id}`);
    }
    for (const child of children(expression)) if (child !== 0) stack.push(child);
    if (id === b.LoopId) {
      const loopBody = loopAccessors.getBody?.(expression) as number;
      loopAccessors.setBody?.(
        expression,
        module.block(null, [meterCode(module), loopBody], b.getExpressionType(loopBody)),
      );
      loops += 1;
    }
  }
  return loops;
}

/** Rewrites one core module so that every loop header checks the stop flag; throws AppError if it cannot. */
export function meterLoops(bytes: Uint8Array): MeterResult {
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  if (imports.some((entry) => entry.module === meterImportModule)) {
    throw new AppError(
      "invalid_input",
      `a core module imports from ${meterImportModule}, which is the host's`,
    );
  }
  const module = b.readBinary(bytes);
  try {
    module.setFeatures(b.Features.All);
    module.addMemoryImport(stopMemory, meterImportModule, meterStopName, true);
    let loops = 0;
    for (let index = 0; index < module.getNumFunctions(); index += 1) {
      const info = b.getFunctionInfo(module.getFunctionByIndex(index));
      if (info.module !== "" || info.body === 0) continue;
      loops += meterFunctionBody(module, info.body);
    }
    if (loops === 0) return { bytes, loops };
    return { bytes: module.emitBinary(), loops };
  } finally {
    module.dispose();
  }
}
