import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** An attribute value, tagged with its ONNX type so integers and floats are never confused. */
export type Attribute = { int: number } | { float: number } | { ints: number[] } | { string: string };

/** A weight stored in the external data file; its bytes are produced when the converter streams it out. */
export interface ExternalTensor {
  proto: onnxProto.onnx.ITensorProto;
  byteLength: number;
  produce(): Promise<Uint8Array>;
}

type Dim = number | string;

function valueInfo(name: string, elemType: DataTypeId, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attributeProto(name: string, value: Attribute): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}

/**
 * Builds an ONNX graph node by node. Small constants go inline; weights are declared as external
 * tensors whose bytes the converter streams into the `.onnx_data` file afterwards, so building
 * the graph never holds the model's weights.
 */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly externalTensors: ExternalTensor[] = [];
  private counter = 0;

  input(name: string, elemType: DataTypeId, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(value: string, name: string, elemType: DataTypeId, dims: Dim[]): void {
    this.op('Identity', [value], {}, [name]);
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  private fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  /** Adds a node; returns its output names (one unless `outputs` says otherwise). */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputs: string[] | number = 1, domain = ''): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase())) : outputs;
    this.nodes.push({
      name: this.fresh(`node_${opType}`),
      opType,
      domain,
      input: inputs,
      output: names,
      attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)),
    });
    return names;
  }

  /** A one-output node, the common case. */
  op1(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, domain = ''): string {
    return this.op(opType, inputs, attributes, 1, domain)[0]!;
  }

  constantFloats(values: readonly number[], dims: number[] = [values.length]): string {
    const name = this.fresh('const_f');
    this.initializers.push({ name, dataType: DataType.FLOAT, dims, rawData: new Uint8Array(Float32Array.from(values).buffer) });
    return name;
  }

  constantInts(values: readonly number[], dims: number[] = [values.length]): string {
    const name = this.fresh('const_i');
    this.initializers.push({ name, dataType: DataType.INT64, dims, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });
    return name;
  }

  /** A weight whose bytes come later, from `produce`. */
  external(name: string, dataType: DataTypeId, dims: number[], byteLength: number, produce: () => Promise<Uint8Array>): string {
    const proto: onnxProto.onnx.ITensorProto = { name, dataType, dims };
    this.initializers.push(proto);
    this.externalTensors.push({ proto, byteLength, produce });
    return name;
  }

  /** The serialised model; every external tensor must have been placed by then. */
  encode(opsets: Record<string, number>, producerName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName,
      opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
      graph: { name: 'main', node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Marks a tensor as stored in the external data file at the given place. */
export function placeExternal(tensor: ExternalTensor, location: string, offset: number): void {
  tensor.proto.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  tensor.proto.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(tensor.byteLength) },
  ];
}
