import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/models/diffusionConfig';
import { familyByName } from '../../src/models/modelFamilies';
import { MODEL_REGISTRY, type RegistryModel, registryModel, validateRegistry } from '../../src/models/modelRegistry';

const entry = (change: Partial<RegistryModel>): RegistryModel => ({ ...MODEL_REGISTRY[0]!, ...change });

describe('the model registry', () => {
  it('is valid, and lists every model a preset names', () => {
    expect(() => validateRegistry(MODEL_REGISTRY)).not.toThrow();
    const ids = new Set(MODEL_REGISTRY.map((m) => m.id));
    for (const preset of Object.values(PRESETS)) {
      expect(ids).toContain(preset.config.model);
      expect(ids).toContain(preset.config.fallbackModel);
    }
  });

  it('gives a download folder only where one is published, and says how else to get the others', () => {
    for (const model of MODEL_REGISTRY) {
      if (model.origin.kind === 'generated') expect(model.folderUrl).toBe(`models/${model.id}/`);
      else {
        expect(model.folderUrl).toBeNull();
        expect(model.note).toContain(`huggingface.co/${model.origin.repository}`);
        expect(model.note).toContain(`builder pull ${model.origin.repository} --out ${model.id} --family ${model.family}`);
        expect(model.note).toContain('builder convert');
        expect(model.note).toContain('Load model folder');
      }
    }
  });

  it('refuses duplicate or unsafe ids, folder URLs without a trailing slash, and sizes that are not positive', () => {
    expect(() => validateRegistry([entry({}), entry({})])).toThrow(/listed twice/);
    expect(() => validateRegistry([entry({ id: '../x' })])).toThrow(/must be lower-case/);
    expect(() => validateRegistry([entry({ folderUrl: 'models/x' })])).toThrow(/must end in "\/"/);
    expect(() => validateRegistry([entry({ approximateBytes: { q4: 0, q8: 1 } })])).toThrow(/must be positive/);
  });
});

describe('the registry and the family table', () => {
  it("names each Hugging Face model by a repository its family lists, with the family's licence and a size", () => {
    for (const model of MODEL_REGISTRY) {
      if (model.origin.kind !== 'huggingface') continue;
      const family = familyByName(model.family);
      expect(family.repositories).toContain(model.origin.repository);
      expect(model.licence).toBe(family.licence);
      expect(model.parameters).toMatch(/^\d+(\.\d+)?B$/);
    }
    expect(registryModel('coda-1.7b')).toMatchObject({ licence: 'CC-BY-NC-4.0', label: expect.stringMatching(/non-commercial/) });
  });
});
