"""PyTorch's word-level language model example (pytorch/examples, word_language_model: model.py read at
commit 001d4932, main.py at commit cd01f930), ported by changing the imports and the data only:
``RNNModel`` (an LSTM with dropout and tied encoder/decoder weights, Press & Wolf 2016) and
``TransformerModel`` (a subclass of ``nn.Transformer`` with ``PositionalEncoding`` and a causal float mask),
and main.py's ``batchify``, ``repackage_hidden``, ``get_batch``, ``evaluate`` and ``train``: truncated
backpropagation through time, ``clip_grad_norm_`` and the hand-written SGD step in the deprecated spelling
``p.data.add_(-lr, p.grad.data)``, the learning rate divided by 4 when the validation loss stops improving,
and the best model kept in a file object. One change beyond the imports: the example pickles the whole
model (``torch.save(model, f)``, ``torch.load(f)``), which PyTorch itself refuses since 2.6 (``torch.load``
defaults to ``weights_only=True``), so the port keeps the state dict, ``torch.save(model.state_dict(), f)``
and ``model.load_state_dict(torch.load(f))``: PyTorch's own advice, and the only way tensorgrad offers (it
never unpickles).

The data: instead of Wikitext-2, sentences from a small grammar (``the <adjective> <noun> <verb> the <noun>
<eos>``, 13 words): 3,000 training tokens, 600 each for validation and test. Sizes are shrunk (embedding
and hidden 32, bptt 10) so each model trains in about a second. The checks are on behaviour, with margins:
the validation loss falls from the first epoch to the last and the test perplexity ends below 4, where the
vocabulary has 13 words and the grammar itself has perplexity 2.1 (4 x 4 x 3 x 4 choices per 7 words); the
tied weights are one Parameter, and the best model, saved to a file object and loaded into a new model,
gives its validation loss again. PyTorch 2.13 on the same port: LSTM test perplexity 2.4, Transformer 2.4
(tensorgrad 2.7 and 2.3: the runs differ in their random draws). The Transformer runs at the example
README's ``--lr 5``: at 20 it diverges on this small corpus in both.
"""

from __future__ import annotations

import io
import math

import numpy as np

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F

ADJECTIVES, NOUNS, VERBS = (
    ["big", "small", "red", "old"],
    ["cat", "dog", "bird", "fish"],
    ["sees", "likes", "bites"],
)


class Dictionary:
    def __init__(self):
        self.word2idx, self.idx2word = {}, []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus:
    """data.py's Corpus, reading generated sentences instead of files: words to ids, '<eos>' after each."""

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        self.dictionary = Dictionary()
        for word in ["the", "<eos>", *ADJECTIVES, *NOUNS, *VERBS]:
            self.dictionary.add_word(word)
        self.train, self.valid, self.test = (self.tokenize(rng, n) for n in (3000, 600, 600))

    def tokenize(self, rng, count):
        words = []
        while len(words) < count:
            sentence = ["the", rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(VERBS), "the"]
            words += [*sentence, rng.choice(NOUNS), "<eos>"]
        return torch.tensor([self.dictionary.word2idx[w] for w in words[:count]]).type(torch.int64)


class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()  # noqa: UP008 (the example's line)
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ["LSTM", "GRU"]:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError("When using the tied flag, nhid must be equal to emsize")
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == "LSTM":
            return (
                weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.nlayers, bsz, self.nhid),
            )
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=5000):
        super(PositionalEncoding, self).__init__()  # noqa: UP008 (the example's line)
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer("pe", pe)

    def forward(self, x):
        x = x + self.pe[: x.size(0), :]
        return self.dropout(x)


class TransformerModel(nn.Transformer):
    """Container module with an encoder, a recurrent or transformer module, and a decoder."""

    def __init__(self, ntoken, ninp, nhead, nhid, nlayers, dropout=0.5):
        super(TransformerModel, self).__init__(  # noqa: UP008 (the example's line)
            d_model=ninp, nhead=nhead, dim_feedforward=nhid, num_encoder_layers=nlayers
        )
        self.model_type = "Transformer"
        self.src_mask = None
        self.pos_encoder = PositionalEncoding(ninp, dropout)
        self.input_emb = nn.Embedding(ntoken, ninp)
        self.ninp = ninp
        self.decoder = nn.Linear(ninp, ntoken)
        self.init_weights()

    def _generate_square_subsequent_mask(self, sz):
        mask = (torch.triu(torch.ones(sz, sz)) == 1).transpose(0, 1)
        mask = mask.float().masked_fill(mask == 0, float("-inf")).masked_fill(mask == 1, float(0.0))  # noqa: UP018
        return mask

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.input_emb.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, src, has_mask=True):
        if has_mask:
            device = src.device
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                mask = self._generate_square_subsequent_mask(len(src)).to(device)
                self.src_mask = mask
        else:
            self.src_mask = None
        src = self.input_emb(src) * math.sqrt(self.ninp)
        src = self.pos_encoder(src)
        output = self.encoder(src, mask=self.src_mask)
        output = self.decoder(output)
        return F.log_softmax(output, dim=-1)


class Args:
    emsize, nhid, nlayers, nhead, dropout, tied = 32, 32, 2, 2, 0.2, True
    lr, clip, bptt, batch_size, log_interval = 20.0, 0.25, 10, 8, 10**9


def run_example(model_name, epochs, lr=20.0):
    """main.py's training script for ``model_name``: (validation loss per epoch, the validation and test loss
    of the best model reloaded from its saved state dict into a new model, that model)."""
    args, device = Args(), "cpu"
    args.model, args.lr = model_name, lr
    torch.manual_seed(1111)
    corpus = Corpus(seed=0)

    def batchify(data, bsz):
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)
        data = data.view(bsz, -1).t().contiguous()
        return data.to(device)

    eval_batch_size = 10
    train_data = batchify(corpus.train, args.batch_size)
    val_data = batchify(corpus.valid, eval_batch_size)
    test_data = batchify(corpus.test, eval_batch_size)
    ntokens = len(corpus.dictionary)

    def build():
        if args.model == "Transformer":
            return TransformerModel(
                ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout
            ).to(device)
        return RNNModel(
            args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied
        ).to(device)

    model = build()
    criterion = nn.NLLLoss()

    def repackage_hidden(h):
        if isinstance(h, torch.Tensor):
            return h.detach()
        else:
            return tuple(repackage_hidden(v) for v in h)

    def get_batch(source, i):
        seq_len = min(args.bptt, len(source) - 1 - i)
        data = source[i : i + seq_len]
        target = source[i + 1 : i + 1 + seq_len].view(-1)
        return data, target

    def evaluate(data_source):
        model.eval()
        total_loss = 0.0
        ntokens = len(corpus.dictionary)
        if args.model != "Transformer":
            hidden = model.init_hidden(eval_batch_size)
        with torch.no_grad():
            for i in range(0, data_source.size(0) - 1, args.bptt):
                data, targets = get_batch(data_source, i)
                if args.model == "Transformer":
                    output = model(data)
                else:
                    output, hidden = model(data, hidden)
                    hidden = repackage_hidden(hidden)
                output_flat = output.view(-1, ntokens)
                total_loss += len(data) * criterion(output_flat, targets).item()
        return total_loss / (len(data_source) - 1)

    def train():
        model.train()
        total_loss = 0.0
        ntokens = len(corpus.dictionary)
        if args.model != "Transformer":
            hidden = model.init_hidden(args.batch_size)
        for _batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
            data, targets = get_batch(train_data, i)
            model.zero_grad()
            if args.model == "Transformer":
                output = model(data)
            else:
                hidden = repackage_hidden(hidden)
                output, hidden = model(data, hidden)
            loss = criterion(output.view(-1, ntokens), targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            for p in model.parameters():
                p.data.add_(-lr, p.grad.data)
            total_loss += loss.item()

    lr = args.lr
    best_val_loss = None
    saved = io.BytesIO()
    val_losses = []
    for _epoch in range(1, epochs + 1):
        train()
        val_loss = evaluate(val_data)
        val_losses.append(val_loss)
        if not best_val_loss or val_loss < best_val_loss:
            saved.seek(0)
            torch.save(model.state_dict(), saved)
            best_val_loss = val_loss
        else:
            lr /= 4.0
    saved.seek(0)
    model = build()  # a new model, with other initial weights, as the example's torch.load gives a new object
    model.load_state_dict(torch.load(saved))
    if args.model in ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]:
        model.rnn.flatten_parameters()
    return val_losses, evaluate(val_data), evaluate(test_data), model


def test_the_tied_lstm_language_model_learns_the_grammar():
    val_losses, reloaded_val, test_loss, model = run_example("LSTM", epochs=4)
    assert model.decoder.weight is model.encoder.weight  # still tied after loading the state dict
    assert abs(reloaded_val - min(val_losses)) < 1e-6 * min(val_losses)  # the best model, saved and reloaded
    assert val_losses[-1] < val_losses[0] - 0.2, val_losses
    assert math.exp(test_loss) < 4.0, math.exp(test_loss)  # 13 words; the grammar's own perplexity is 2.1


def test_the_transformer_language_model_learns_the_grammar():
    val_losses, reloaded_val, test_loss, model = run_example(
        "Transformer", epochs=3, lr=5.0
    )  # README's --lr 5
    assert abs(reloaded_val - min(val_losses)) < 1e-6 * min(val_losses)
    mask = model.src_mask.numpy()  # the causal mask of the last batch (9 steps): -inf above the diagonal
    assert isinstance(model, nn.Transformer) and mask.shape == (9, 9)
    assert (np.isneginf(mask) == np.triu(np.ones((9, 9), bool), 1)).all() and (
        mask[np.tril_indices(9)] == 0
    ).all()
    assert val_losses[-1] < val_losses[0], val_losses
    assert math.exp(test_loss) < 4.0, math.exp(test_loss)
