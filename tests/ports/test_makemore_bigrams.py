"""Andrej Karpathy's "makemore, part 1: bigrams" lecture notebook (karpathy/nn-zero-to-hero,
lectures/makemore/makemore_part1_bigrams.ipynb, read at commit 4c351a67;
https://github.com/karpathy/nn-zero-to-hero/blob/master/lectures/makemore/makemore_part1_bigrams.ipynb), its
code cells in order, ported by changing the imports and the data only: counting bigrams into
``torch.zeros((27, 27), dtype=torch.int32)`` with ``N[ix1, ix2] += 1``, ``N[0].float()``, sampling with
``torch.Generator().manual_seed(2147483647)`` and ``torch.multinomial(p, num_samples=1, replacement=True,
generator=g).item()``, ``torch.rand(3, generator=g)``, ``P = (N+1).float()`` and ``P /= P.sum(1,
keepdims=True)``, the log-likelihood loop (a Python float accumulating 0-d tensors), then the neural-net
version: ``F.one_hot(xs, num_classes=27).float()``, ``torch.randn((27, 27), generator=g,
requires_grad=True)``, ``probs[torch.arange(5), ys]``, ``nlls[i] = nll``, ``W.grad = None``, ``W.data += -0.1
* W.grad``, ``xs.nelement()`` and sampling from the net.

Changes: the notebook reads ``names.txt`` (32033 names); here ``words`` is "emma" (the first name of
names.txt, whose five bigrams the notebook's small examples index) and 999 generated name-like strings
(consonant-vowel syllables over all 26 letters, numpy seed 7). The two matplotlib cells are dropped. The
stored revision's counting cell says ``torch.zeros((28, 28), ...)``, a leftover of the lecture: the notebook's
own outputs (``P.shape`` is ``torch.Size([27, 27])``) were made with the 27x27 matrix used here; with 28
columns the smoothed ``P`` could sample index 27, which ``itos`` lacks. The gradient-descent cell keeps the
saved ``range(1)``.

Checks: the counts and the bigram model's average negative log likelihood are determined by the words, so
they are compared with PyTorch's: computed once with torch 2.13.0 (CPU) from the same program and words. The
samples and the weights come from the generator, whose stream is PyTorch's own, so those checks are on
behaviour: samples are names ending in '.', probabilities sum to 1, and the update step lowers the loss.
"""

# ruff: noqa: B018, B007, RUF005, RUF007 -- the notebook's display-only cells, unused loop variables, list
# concatenation and zip(chs, chs[1:]) are kept as written

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as torch

# computed once with torch 2.13.0 (CPU) from the same program and words
TORCH_N_TOTAL = 5590  # N.sum(): the number of bigrams
TORCH_N_ROW0 = [
    0,
    0,
    42,
    61,
    58,
    1,
    29,
    53,
    49,
    0,
    42,
    66,
    51,
    52,
    43,
    0,
    34,
    48,
    43,
    54,
    41,
    0,
    51,
    57,
    42,
    43,
    40,
]  # N[0]: how often each letter starts a name
TORCH_AVG_NLL = 2.53483247756958  # nll / n, the bigram model's average negative log likelihood


def make_words(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    consonants, vowels = "bcdfghjklmnpqrstvwxyz", "aeiou"
    words = []
    for _ in range(count):
        syllables = []
        for _ in range(rng.integers(1, 4)):
            syllable = rng.choice(list(consonants)) + rng.choice(list(vowels))
            if rng.random() < 0.3:
                syllable += rng.choice(list(consonants))
            syllables.append(syllable)
        words.append("".join(syllables))
    return words


def test_makemore_bigram_counts_sampling_and_neural_net():
    words = ["emma"] + make_words(999, seed=7)  # names.txt starts with emma
    samples = []
    losses = []

    words[:10]
    len(words)
    min(len(w) for w in words)
    max(len(w) for w in words)

    b = {}
    for w in words:
        chs = ["<S>"] + list(w) + ["<E>"]
        for ch1, ch2 in zip(chs, chs[1:]):
            bigram = (ch1, ch2)
            b[bigram] = b.get(bigram, 0) + 1

    sorted(b.items(), key=lambda kv: -kv[1])

    N = torch.zeros((27, 27), dtype=torch.int32)

    chars = sorted(list(set("".join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    itos = {i: s for s, i in stoi.items()}

    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            N[ix1, ix2] += 1

    N[0]

    p = N[0].float()
    p = p / p.sum()
    p

    g = torch.Generator().manual_seed(2147483647)
    ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
    itos[ix]

    g = torch.Generator().manual_seed(2147483647)
    p = torch.rand(3, generator=g)
    p = p / p.sum()
    p

    torch.multinomial(p, num_samples=100, replacement=True, generator=g)

    p.shape

    P = (N + 1).float()
    P /= P.sum(1, keepdims=True)

    P.shape

    P.sum(1, keepdim=True).shape

    P.sum(1).shape

    g = torch.Generator().manual_seed(2147483647)

    for i in range(5):
        out = []
        ix = 0
        while True:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        print("".join(out))
        samples.append("".join(out))

    log_likelihood = 0.0
    n = 0

    for w in words:
        # for w in ["andrejq"]:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            prob = P[ix1, ix2]
            logprob = torch.log(prob)
            log_likelihood += logprob
            n += 1
            # print(f'{ch1}{ch2}: {prob:.4f} {logprob:.4f}')

    print(f"{log_likelihood=}")
    nll = -log_likelihood
    print(f"{nll=}")
    print(f"{nll / n}")
    avg_nll = (nll / n).item()

    # create the training set of bigrams (x,y)
    xs, ys = [], []

    for w in words[:1]:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            print(ch1, ch2)
            xs.append(ix1)
            ys.append(ix2)

    xs = torch.tensor(xs)
    ys = torch.tensor(ys)

    xs
    ys

    import tensorgrad.nn.functional as F

    xenc = F.one_hot(xs, num_classes=27).float()
    xenc

    xenc.shape

    xenc.dtype

    W = torch.randn((27, 1))
    xenc @ W

    logits = xenc @ W  # log-counts
    counts = logits.exp()  # equivalent N
    probs = counts / counts.sum(1, keepdims=True)
    probs

    probs[0]

    probs[0].shape

    probs[0].sum()

    # randomly initialize 27 neurons' weights. each neuron receives 27 inputs
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((27, 27), generator=g)

    xenc = F.one_hot(xs, num_classes=27).float()  # input to the network: one-hot encoding
    logits = xenc @ W  # predict log-counts
    counts = logits.exp()  # counts, equivalent to N
    probs = counts / counts.sum(1, keepdims=True)  # probabilities for next character
    # btw: the last 2 lines here are together called a 'softmax'

    probs.shape

    nlls = torch.zeros(5)
    for i in range(5):
        # i-th bigram:
        x = xs[i].item()  # input character index
        y = ys[i].item()  # label character index
        print("--------")
        print(f"bigram example {i + 1}: {itos[x]}{itos[y]} (indexes {x},{y})")
        print("input to the neural net:", x)
        print("output probabilities from the neural net:", probs[i])
        print("label (actual next character):", y)
        p = probs[i, y]
        print("probability assigned by the net to the the correct character:", p.item())
        logp = torch.log(p)
        print("log likelihood:", logp.item())
        nll = -logp
        print("negative log likelihood:", nll.item())
        nlls[i] = nll

    print("=========")
    print("average negative log likelihood, i.e. loss =", nlls.mean().item())

    # randomly initialize 27 neurons' weights. each neuron receives 27 inputs
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((27, 27), generator=g, requires_grad=True)

    # forward pass
    xenc = F.one_hot(xs, num_classes=27).float()  # input to the network: one-hot encoding
    logits = xenc @ W  # predict log-counts
    counts = logits.exp()  # counts, equivalent to N
    probs = counts / counts.sum(1, keepdims=True)  # probabilities for next character
    loss = -probs[torch.arange(5), ys].log().mean()

    print(loss.item())

    # backward pass
    W.grad = None  # set to zero the gradient
    loss.backward()

    W.data += -0.1 * W.grad

    # create the dataset
    xs, ys = [], []
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            xs.append(ix1)
            ys.append(ix2)
    xs = torch.tensor(xs)
    ys = torch.tensor(ys)
    num = xs.nelement()
    print("number of examples: ", num)

    # initialize the 'network'
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((27, 27), generator=g, requires_grad=True)

    # gradient descent
    for k in range(1):
        # forward pass
        xenc = F.one_hot(xs, num_classes=27).float()  # input to the network: one-hot encoding
        logits = xenc @ W  # predict log-counts
        counts = logits.exp()  # counts, equivalent to N
        probs = counts / counts.sum(1, keepdims=True)  # probabilities for next character
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
        print(loss.item())
        losses.append(loss.item())

        # backward pass
        W.grad = None  # set to zero the gradient
        loss.backward()

        # update
        W.data += -50 * W.grad

    # finally, sample from the 'neural net' model
    g = torch.Generator().manual_seed(2147483647)

    for i in range(5):
        out = []
        ix = 0
        while True:
            # ----------
            # BEFORE:
            # p = P[ix]
            # ----------
            # NOW:
            xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float()
            logits = xenc @ W  # predict log-counts
            counts = logits.exp()  # counts, equivalent to N
            p = counts / counts.sum(1, keepdims=True)  # probabilities for next character
            # ----------

            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        print("".join(out))
        samples.append("".join(out))

    # the checks
    assert len(chars) == 26 and N.dtype == torch.int32
    assert N.sum().item() == TORCH_N_TOTAL == n == num
    assert N[0].numpy().tolist() == TORCH_N_ROW0
    assert avg_nll == pytest.approx(TORCH_AVG_NLL, rel=1e-4)
    assert np.allclose(P.sum(1).numpy(), 1.0, atol=1e-5)
    assert len(samples) == 10 and all(s.endswith(".") and "." not in s[:-1] for s in samples)
    xenc = F.one_hot(xs, num_classes=27).float()
    probs = (xenc @ W).exp() / (xenc @ W).exp().sum(1, keepdims=True)
    after = (-probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()).item()
    assert after < losses[0]  # the one gradient step at lr 50 lowered the loss
