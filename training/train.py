"""Trains one known-answer checkpoint from the examples exportExamples.ts wrote (training/README.md).

    /usr/bin/python3 training/train.py FOLDER [--steps N] [--seed N]

The model is the forward pass Builder's converter builds (src/convert/qwenGraph.ts; its float64
reference is tests/support/referenceForward.ts): a Qwen2 or Qwen3 body with RMSNorm, rotary
embeddings, grouped-query attention, a SiLU MLP and a tied or untied head. Training computes logits
only over the token ids the examples use plus one row that stands for every other token; the saved
checkpoint has the full vocabulary with those other rows all set to that one trained vector, and
that row's logit carries log(number of such tokens), so training sees the softmax the full model has.
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'fixtures', 'known-answer')
# Guidance training: the share of examples whose instruction is masked, as the unconditional row masks it.
CONDITION_DROP = 0.15
# MDLM draws the masking ratio t from (0, 1]; a floor keeps the 1/t weight finite.
MIN_RATIO = 1e-3


def rms_norm(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class Body(torch.nn.Module):
    """The decoder over a compact vocabulary of `rows` embeddings (the last one: every unused token)."""

    def __init__(self, config, rows, untied):
        super().__init__()
        self.config = config
        hidden = config['hidden_size']
        heads, kv_heads, head_dim = config['num_attention_heads'], config['num_key_value_heads'], config['head_dim']
        inter = config['intermediate_size']
        self.qwen3 = config.get('model_type') in ('a2d-qwen3', 'qwen3', 'CoDA')
        std = config.get('initializer_range', 0.02)
        normal = lambda *shape: torch.nn.Parameter(torch.randn(*shape) * std)
        ones = lambda n: torch.nn.Parameter(torch.ones(n))
        self.embed = normal(rows, hidden)
        self.head = normal(rows, hidden) if untied else None
        self.layers = torch.nn.ModuleList()
        for _ in range(config['num_hidden_layers']):
            layer = torch.nn.Module()
            layer.input_norm = ones(hidden)
            layer.q = normal(heads * head_dim, hidden)
            layer.k = normal(kv_heads * head_dim, hidden)
            layer.v = normal(kv_heads * head_dim, hidden)
            if self.qwen3:
                layer.q_norm = ones(head_dim)
                layer.k_norm = ones(head_dim)
            else:
                layer.q_bias = torch.nn.Parameter(torch.zeros(heads * head_dim))
                layer.k_bias = torch.nn.Parameter(torch.zeros(kv_heads * head_dim))
                layer.v_bias = torch.nn.Parameter(torch.zeros(kv_heads * head_dim))
            layer.o = normal(hidden, heads * head_dim)
            layer.post_norm = ones(hidden)
            layer.gate = normal(inter, hidden)
            layer.up = normal(inter, hidden)
            layer.down = normal(hidden, inter)
            self.layers.append(layer)
        self.final_norm = ones(hidden)

    def hidden_states(self, ids, allowed):
        """ids [batch, seq] compact; allowed [batch, seq(query), seq(key)] bool. Returns [batch, seq, hidden] after the final norm."""
        c = self.config
        eps = c['rms_norm_eps']
        heads, kv_heads, head_dim = c['num_attention_heads'], c['num_key_value_heads'], c['head_dim']
        batch, seq = ids.shape
        positions = torch.arange(seq, dtype=torch.float64)
        inv_freq = 1.0 / (c['rope_theta'] ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
        angles = positions[:, None] * inv_freq[None, :]
        angles = torch.cat([angles, angles], dim=-1)
        cos, sin = angles.cos().float(), angles.sin().float()
        x = self.embed[ids]
        bias = torch.zeros(allowed.shape, dtype=x.dtype).masked_fill(~allowed, float('-inf'))[:, None]
        for layer in self.layers:
            h = rms_norm(x, layer.input_norm, eps)
            q = F.linear(h, layer.q, None if self.qwen3 else layer.q_bias).view(batch, seq, heads, head_dim)
            k = F.linear(h, layer.k, None if self.qwen3 else layer.k_bias).view(batch, seq, kv_heads, head_dim)
            v = F.linear(h, layer.v, None if self.qwen3 else layer.v_bias).view(batch, seq, kv_heads, head_dim)
            if self.qwen3:
                q = rms_norm(q, layer.q_norm, eps)
                k = rms_norm(k, layer.k_norm, eps)
            q = rotate(q, cos[:, None], sin[:, None]).transpose(1, 2)
            k = rotate(k, cos[:, None], sin[:, None]).transpose(1, 2)
            v = v.transpose(1, 2)
            repeat = heads // kv_heads
            k = k.repeat_interleave(repeat, dim=1)
            v = v.repeat_interleave(repeat, dim=1)
            scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim) + bias
            attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, seq, heads * head_dim)
            x = x + F.linear(attended, layer.o)
            h = rms_norm(x, layer.post_norm, eps)
            x = x + F.linear(F.silu(F.linear(h, layer.gate)) * F.linear(h, layer.up), layer.down)
        return rms_norm(x, self.final_norm, eps)

    def logits(self, hidden, other_count, raw=False):
        head = self.head if self.head is not None else self.embed
        logits = hidden @ head.t()
        if raw:
            return logits
        # The last row stands for `other_count` tokens with that same row: their total probability.
        return torch.cat([logits[..., :-1], logits[..., -1:] + math.log(other_count)], dim=-1)


def allowed_keys(lengths, seq, attention, block_size, firsts=None):
    """[batch, query, key]: padding keys never (after `lengths`, and before `firsts`, the left padding of
    block-causal rows); later keys under causal, keys of later blocks under block-causal. A query always sees
    itself, so that a padding row's softmax stays finite (nothing reads its output)."""
    key = torch.arange(seq)
    allowed = key[None, None, :] < torch.tensor(lengths)[:, None, None]
    if firsts is not None:
        allowed = allowed & (key[None, None, :] >= torch.tensor(firsts)[:, None, None])
    allowed = allowed.expand(len(lengths), seq, seq) | torch.eye(seq, dtype=torch.bool)[None]
    if attention == 'causal':
        allowed = allowed & (key[None, :, None] >= key[None, None, :])
    elif attention == 'block-causal':
        allowed = allowed & ((key // block_size)[None, :, None] >= (key // block_size)[None, None, :])
    return allowed


def block_aligned(example, block_size, pad):
    """The example as dLLM's BD3LM sampler runs it (src/generate/authors/dllmBd3lm.ts): the prompt left-padded
    to a multiple of the block size, so that the answer starts a block; nothing after the answer (later
    blocks are never seen); the unconditional row masks the whole prompt."""
    start, length = example['block']
    padding = -start % block_size
    return {
        'tokens': [pad] * padding + example['tokens'][:start + length],
        'target': example['target'],
        'block': [start + padding, length],
        'condition': [padding, start + padding],
        'first': padding,
    }


class Task:
    def __init__(self, data):
        if data['attention'] == 'block-causal':
            pad = data['specials'][-1]
            self.unaligned = data
            data = dict(data, train=[block_aligned(e, data['blockSize'], pad) for e in data['train']], heldOut=[block_aligned(e, data['blockSize'], pad) for e in data['heldOut']])
        self.data = data
        ids = set(data['specials'])
        for example in data['train'] + data['heldOut']:
            ids.update(example['tokens'])
            ids.update(example['target'])
        self.ids = sorted(ids)
        self.index = {token: i for i, token in enumerate(self.ids)}
        self.vocab = data['config']['vocab_size']
        self.other_count = self.vocab - len(self.ids)
        self.mask = self.index[data['maskTokenId']] if data['maskTokenId'] is not None else None

    def compact(self, tokens):
        return [self.index[t] for t in tokens]

    def batch(self, examples, generator, train=True):
        """Inputs, allowed keys, and (positions whose logits predict, target, weight) for a training batch."""
        data = self.data
        seq = max(len(e['tokens']) for e in examples)
        ids = torch.zeros(len(examples), seq, dtype=torch.long)
        rows, cols, targets, weights = [], [], [], []
        shift = data['logitsShift']
        for b, example in enumerate(examples):
            clean = self.compact(example['tokens'])
            start, length = example['block']
            target = self.compact(example['target'])
            clean[start:start + length] = target
            tokens = list(clean)
            if data['objective'] == 'autoregressive':
                predicted = list(range(start, start + length))
                weight = [1.0] * length
            else:
                t = max(MIN_RATIO, torch.rand(1, generator=generator).item())
                draws = torch.rand(length, generator=generator).tolist()
                inside = list(range(length))
                if data['attention'] == 'block-causal':
                    # One block of the answer is being denoised: the answer's earlier blocks are clean, its later ones still masks.
                    size = data['blockSize']
                    blocks = sorted({(start + i) // size for i in range(length)})
                    current = blocks[int(torch.randint(len(blocks), (1,), generator=generator))]
                    inside = [i for i in range(length) if (start + i) // size == current]
                    for i in range(length):
                        if (start + i) // size > current:
                            tokens[start + i] = self.mask
                chosen = [i for i in inside if draws[i] < t] or [min(inside, key=lambda i: draws[i])]
                for i in chosen:
                    tokens[start + i] = self.mask
                c0, c1 = example['condition']
                if c1 > c0 and torch.rand(1, generator=generator).item() < CONDITION_DROP:
                    tokens[c0:c1] = [self.mask] * (c1 - c0)
                predicted = [start + i for i in chosen]
                weight = [1.0 / t] * len(chosen)
            ids[b, :len(tokens)] = torch.tensor(tokens)
            for p, w in zip(predicted, weight):
                rows.append(b)
                cols.append(p - shift)
                targets.append(clean[p])
                weights.append(w)
        allowed = allowed_keys([len(e['tokens']) for e in examples], seq, attention_of(data), data['blockSize'], [e.get('first', 0) for e in examples])
        return ids, allowed, torch.tensor(rows), torch.tensor(cols), torch.tensor(targets), torch.tensor(weights)


def attention_of(data):
    return 'causal' if data['objective'] == 'autoregressive' else data['attention']


def evaluate(model, task, examples, steps=None):
    """Greedy generation of the held-out blocks as Builder's sampler runs them at temperature 0, the most confident
    masks first (block by block for block-causal), one token a pass or over `steps` passes a block as dLLM's
    linear schedule splits it; token by token for the fallback. Exact-match share."""
    data = task.data
    shift = data['logitsShift']
    attention = attention_of(data)
    exact = 0
    with torch.no_grad():
        for example in examples:
            start, length = example['block']
            tokens = task.compact(example['tokens'])
            target = task.compact(example['target'])
            if data['objective'] == 'autoregressive':
                tokens = tokens[:start]
                for _ in range(length):
                    hidden = model.hidden_states(torch.tensor([tokens]), allowed_keys([len(tokens)], len(tokens), 'causal', None))
                    tokens.append(int(model.logits(hidden[0, -1], task.other_count, raw=True).argmax()))
                exact += tokens[start:] == target
                continue
            masked = set(range(start, start + length))
            passes_left = {}
            while masked:
                hidden = model.hidden_states(torch.tensor([tokens]), allowed_keys([len(tokens)], len(tokens), attention, data['blockSize'], [example.get('first', 0)]))
                raw = model.logits(hidden[0], task.other_count, raw=True)
                probs = model.logits(hidden[0], task.other_count).softmax(-1)
                candidates = sorted(masked)
                if attention == 'block-causal':
                    first = candidates[0] // data['blockSize']
                    candidates = [p for p in candidates if p // data['blockSize'] == first]
                block = candidates[0] // data['blockSize'] if attention == 'block-causal' else 0
                # dLLM's BD3LM sampler gives each block ceil(steps / blocks) passes.
                blocks = -(-length // data['blockSize']) if attention == 'block-causal' else 1
                left = passes_left.setdefault(block, -(-steps // blocks) if steps else len(candidates))
                passes_left[block] = left - 1
                count = max(1, round(len(candidates) / left))
                for best in sorted(candidates, key=lambda p: -probs[p - shift].max().item())[:count]:
                    # The raw argmax: the shared row wins here exactly when one of the unused tokens would.
                    tokens[best] = int(raw[best - shift].argmax())
                    masked.discard(best)
            answer = tokens[start:start + length]
            exact += answer == target
    return exact / len(examples)


def bf16_round(tensor):
    return tensor.to(torch.bfloat16).to(torch.float32)


def tensor_bytes(tensor, dtype):
    if dtype == 'BF16':
        return tensor.contiguous().to(torch.bfloat16).view(torch.int16).numpy().tobytes()
    return tensor.contiguous().to(torch.float32).numpy().tobytes()


def write_safetensors(path, tensors, dtype):
    """tensors: list of (name, tensor) in order; the format's header, then the raw little-endian data."""
    header, offset, parts = {}, 0, []
    for name, tensor in tensors:
        raw = tensor_bytes(tensor, dtype)
        header[name] = {'dtype': dtype, 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(raw)]}
        offset += len(raw)
        parts.append(raw)
    header['__metadata__'] = {'format': 'pt'}
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    # Stored gzipped: the unused vocabulary rows all hold one vector, so 19.6 MB pack into 0.2 MB;
    # tests/support/knownAnswerCheckpoints.ts unpacks them where a model folder is made.
    with open(path + '.gz', 'wb') as file, gzip.GzipFile(filename='', mode='wb', compresslevel=9, fileobj=file, mtime=0) as out:
        out.write(struct.pack('<Q', len(text)))
        out.write(text)
        for raw in parts:
            out.write(raw)


def full_rows(task, rows):
    """The compact rows spread over the full vocabulary, every unused token holding the shared last row."""
    full = rows[-1].detach().expand(task.vocab, rows.shape[1]).clone()
    full[torch.tensor(task.ids)] = rows[:-1].detach()
    return full


def checkpoint_parameters(model):
    """The model's parameters by Hugging Face name, in expectedTensors' order (src/convert/qwenConfig.ts)."""
    named = [('model.embed_tokens.weight', model.embed)]
    for i, layer in enumerate(model.layers):
        p = f'model.layers.{i}.'
        named += [(p + 'input_layernorm.weight', layer.input_norm), (p + 'self_attn.q_proj.weight', layer.q), (p + 'self_attn.k_proj.weight', layer.k), (p + 'self_attn.v_proj.weight', layer.v)]
        if model.qwen3:
            named += [(p + 'self_attn.q_norm.weight', layer.q_norm), (p + 'self_attn.k_norm.weight', layer.k_norm)]
        else:
            named += [(p + 'self_attn.q_proj.bias', layer.q_bias), (p + 'self_attn.k_proj.bias', layer.k_bias), (p + 'self_attn.v_proj.bias', layer.v_bias)]
        named += [(p + 'self_attn.o_proj.weight', layer.o), (p + 'post_attention_layernorm.weight', layer.post_norm), (p + 'mlp.gate_proj.weight', layer.gate), (p + 'mlp.up_proj.weight', layer.up), (p + 'mlp.down_proj.weight', layer.down)]
    named.append(('model.norm.weight', model.final_norm))
    if model.head is not None:
        named.append(('lm_head.weight', model.head))
    return named


VOCABULARY_ROWS = ('model.embed_tokens.weight', 'lm_head.weight')


def checkpoint_tensors(model, task):
    """The checkpoint's tensors, the vocabulary rows spread over the full vocabulary."""
    return [(name, full_rows(task, p) if name in VOCABULARY_ROWS else p.detach()) for name, p in checkpoint_parameters(model)]


def save(model, task, folder, dtype, shards):
    for name in os.listdir(folder):
        if name.endswith(('.safetensors', '.safetensors.gz')) or name == 'model.safetensors.index.json':
            os.remove(os.path.join(folder, name))
    tensors = checkpoint_tensors(model, task)
    if shards == 1:
        write_safetensors(os.path.join(folder, 'model.safetensors'), tensors, dtype)
        return
    # As transformers shards: consecutive tensors per file, and an index naming each tensor's file.
    per_shard = math.ceil(len(tensors) / shards)
    weight_map, total = {}, 0
    for i in range(shards):
        name = f'model-{i + 1:05d}-of-{shards:05d}.safetensors'
        part = tensors[i * per_shard:(i + 1) * per_shard]
        write_safetensors(os.path.join(folder, name), part, dtype)
        for tensor_name, tensor in part:
            weight_map[tensor_name] = name
            total += tensor.numel() * (2 if dtype == 'BF16' else 4)
    with open(os.path.join(folder, 'model.safetensors.index.json'), 'w') as out:
        json.dump({'metadata': {'total_size': total}, 'weight_map': weight_map}, out, indent=2)
        out.write('\n')


def read_safetensors(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    size = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + size])
    tensors = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        start, end = entry['data_offsets']
        data = bytearray(raw[8 + size + start:8 + size + end])
        tensor = torch.frombuffer(data, dtype=torch.int16).view(torch.bfloat16).float() if entry['dtype'] == 'BF16' else torch.frombuffer(data, dtype=torch.float32)
        tensors[name] = tensor.view(entry['shape'])
    return tensors


def load(model, task, folder):
    """The saved checkpoint's weights back into the compact model, to train on from them (--resume)."""
    tensors = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith('.safetensors.gz'):
            tensors.update(read_safetensors(os.path.join(folder, name)))
    # The compact vocabulary's rows, then the shared row, which every unused token holds.
    unused = next(i for i in range(task.vocab) if i not in task.index)
    rows = torch.tensor(task.ids + [unused])
    with torch.no_grad():
        for name, parameter in checkpoint_parameters(model):
            parameter.copy_(tensors[name][rows] if name in VOCABULARY_ROWS else tensors[name])


def write_forward_check(model, task, folder, path):
    """One held-out sequence and the model's logits at a few positions, for training/checkForward.ts."""
    example = getattr(task, 'unaligned', task.data)['heldOut'][0]
    tokens = example['tokens']
    with torch.no_grad():
        hidden = model.hidden_states(torch.tensor([task.compact(tokens)]), allowed_keys([len(tokens)], len(tokens), attention_of(task.data), task.data['blockSize']))
        positions = [0, len(tokens) // 2, len(tokens) - 1]
        head = full_rows(task, model.head if model.head is not None else model.embed)
        logits = hidden[0, positions] @ head.t()
    ids = [task.ids[0], task.ids[-1], task.data['specials'][0], 151000]
    with open(path, 'w') as out:
        json.dump({'folder': folder, 'attention': attention_of(task.data), 'blockSize': task.data['blockSize'], 'tokens': tokens, 'positions': positions, 'ids': ids, 'logits': [[logits[k, i].item() for i in ids] for k in range(len(positions))]}, out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('folder')
    parser.add_argument('--steps', type=int, default=1500)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--lr', type=float, default=3e-3)
    parser.add_argument('--weight-decay', type=float, default=0.0)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--forward-check', help='write the logits check file here and stop before training')
    parser.add_argument('--resume', action='store_true', help="start from the checkpoint's saved weights")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    with open(os.path.join(HERE, 'data', f'{args.folder}.json')) as f:
        data = json.load(f)
    task = Task(data)
    config = data['config']
    untied = not config.get('tie_word_embeddings', False)
    model = Body(config, len(task.ids) + 1, untied)
    folder = os.path.join(FIXTURES, args.folder)
    if args.resume:
        load(model, task, folder)
    if args.forward_check:
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn(p.shape) * 0.1)
                p.copy_(bf16_round(p))
        save(model, task, folder, data['dtype'], data['weightFiles'])
        write_forward_check(model, task, args.folder, args.forward_check)
        return
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay, betas=(0.9, 0.98))
    warmup = max(1, args.steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    train = data['train']
    started = time.time()
    for step in range(args.steps):
        picks = torch.randint(len(train), (args.batch,), generator=generator).tolist()
        ids, allowed, rows, cols, targets, weights = task.batch([train[i] for i in picks], generator)
        hidden = model.hidden_states(ids, allowed)
        logits = model.logits(hidden[rows, cols], task.other_count)
        loss = (F.cross_entropy(logits, targets, reduction='none') * weights).sum() / weights.numel()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step % 100 == 0 or step == args.steps - 1:
            print(f'step {step} loss {loss.item():.4f} {time.time() - started:.0f}s', flush=True)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(bf16_round(p) if data['dtype'] == 'BF16' else p)
    save(model, task, folder, data['dtype'], data['weightFiles'])
    print(f'wrote {folder} in {time.time() - started:.0f}s', flush=True)
    held_out = task.data['heldOut']
    print(f'held-out exact ({data["dtype"]} weights): {evaluate(model, task, held_out):.2f} one token a pass, {evaluate(model, task, held_out, 8):.2f} in 8 passes', flush=True)


if __name__ == '__main__':
    sys.exit(main())
