"""A compact BERT in PyTorch, written for back-to-back comparisons with BERT Studio's engine.

Not part of the product or its tests (they never need Python). Layout and initialization follow
BERT (post-LayerNorm, GELU, pooler + classifier for sequence classification, normal(0.02) init).
"""
import math

import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, hidden, heads, inter, dropout):
        super().__init__()
        self.heads = heads
        self.qkv = nn.ModuleList([nn.Linear(hidden, hidden) for _ in range(3)])
        self.out = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=1e-12)
        self.fc1 = nn.Linear(hidden, inter)
        self.fc2 = nn.Linear(inter, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=1e-12)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, bias):
        b, s, h = x.shape
        d = h // self.heads
        q, k, v = (l(x).view(b, s, self.heads, d).transpose(1, 2) for l in self.qkv)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        ctx = (self.drop(att) @ v).transpose(1, 2).reshape(b, s, h)
        x = self.ln1(x + self.drop(self.out(ctx)))
        return self.ln2(x + self.drop(self.fc2(nn.functional.gelu(self.fc1(x)))))


class BertClassifier(nn.Module):
    def __init__(self, vocab, layers, hidden, heads, inter, labels, dropout, max_pos=512):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(max_pos, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.drop = nn.Dropout(dropout)
        self.layers = nn.ModuleList([Layer(hidden, heads, inter, dropout) for _ in range(layers)])
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, labels)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids, mask):
        s = ids.shape[1]
        x = self.word(ids) + self.pos.weight[:s] + self.token_type.weight[0]
        x = self.drop(self.ln(x))
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, bias)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return self.classifier(self.drop(pooled))


SIZES = {
    "tiny": (2, 128, 2, 512),
    "mini": (4, 256, 4, 1024),
    "small": (4, 512, 8, 2048),
    "base": (12, 768, 12, 3072),
}


def adamw(model, lr, weight_decay, fused=False):
    """AdamW with BERT's usual exclusions: no decay for biases and LayerNorm weights (fused: PyTorch's one-kernel CUDA AdamW)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith("bias") or ".ln" in name or name.startswith("ln") else decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.999), eps=1e-8, **({"fused": True} if fused else {}))
