"""PyTorch's "Deep Learning for NLP with PyTorch", part "Word Embeddings: Encoding Lexical Semantics"
(pytorch/tutorials, beginner_source/nlp/word_embeddings_tutorial.py, read at commit 537d2173; published at
https://pytorch.org/tutorials/beginner/nlp/word_embeddings_tutorial.html), its code in order, ported by
changing the imports only: ``nn.Embedding(2, 5)`` looked up with ``torch.tensor([0], dtype=torch.long)``,
then the N-gram language model on Shakespeare's second sonnet (``nn.Embedding(len(vocab), 10)``, ``.view((1,
-1))`` of the two context embeddings, ``nn.Linear``, ``F.relu``, ``F.log_softmax(out, dim=1)``,
``nn.NLLLoss()``, ``optim.SGD(lr=0.001)``, ``model.zero_grad()``, ``loss.item()``) trained for 10 epochs of
one trigram per step, and the CBOW exercise's data preparation (its model is left to the reader, as in the
tutorial: a class whose methods are ``pass``) and ``make_context_vector``.

No data set: the program has its text. Nothing shrunk. The embeddings and the layers start at random (the
tutorial's ``torch.manual_seed(1)`` seeds tensorgrad's own generator, not PyTorch's stream), and the
vocabulary's order comes from a Python ``set``, so the checks are on behaviour: the lookup gives one
5-dimensional vector, the trigrams and CBOW contexts are the tutorial's, and, as the tutorial says, "the loss
decreased every iteration over the training data": torch 2.13 (CPU) running the same program went from
about 520 to 497 (ten totals, each lower than the one before; three hash seeds tried); tensorgrad's totals start within a few percent of 113 * ln(97)
(uniform guesses over the 97 words) and fall at every epoch too.
"""

# ruff: noqa: UP008, E501, SIM905, B007 -- the tutorial's super(NGramLanguageModeler, self), its long lines,
# its texts split into words and its unused loop variable are kept as written

from __future__ import annotations

import itertools
import math

import tensorgrad as torch
import tensorgrad.nn as nn
import tensorgrad.nn.functional as F
import tensorgrad.optim as optim


def test_word_embeddings_tutorial(capsys):
    torch.manual_seed(1)

    ######################################################################

    word_to_ix = {"hello": 0, "world": 1}
    embeds = nn.Embedding(2, 5)  # 2 words in vocab, 5 dimensional embeddings
    lookup_tensor = torch.tensor([word_to_ix["hello"]], dtype=torch.long)
    hello_embed = embeds(lookup_tensor)
    print(hello_embed)

    ######################################################################
    # An Example: N-Gram Language Modeling
    # ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    #
    # Recall that in an n-gram language model, given a sequence of words
    # :math:`w`, we want to compute
    #
    # .. math::  P(w_i | w_{i-1}, w_{i-2}, \dots, w_{i-n+1} )
    #
    # Where :math:`w_i` is the ith word of the sequence.
    #
    # In this example, we will compute the loss function on some training
    # examples and update the parameters with backpropagation.
    #

    CONTEXT_SIZE = 2
    EMBEDDING_DIM = 10
    # We will use Shakespeare Sonnet 2
    test_sentence = """When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a totter'd weed of small worth held:
Then being asked, where all thy beauty lies,
Where all the treasure of thy lusty days;
To say, within thine own deep sunken eyes,
Were an all-eating shame, and thriftless praise.
How much more praise deserv'd thy beauty's use,
If thou couldst answer 'This fair child of mine
Shall sum my count, and make my old excuse,'
Proving his beauty by succession thine!
This were to be new made when thou art old,
And see thy blood warm when thou feel'st it cold.""".split()
    # we should tokenize the input, but we will ignore that for now
    # build a list of tuples.  Each tuple is ([ word_i-2, word_i-1 ], target word)
    trigrams = [([test_sentence[i], test_sentence[i + 1]], test_sentence[i + 2])
                for i in range(len(test_sentence) - 2)]  # fmt: skip
    # print the first 3, just so you can see what they look like
    print(trigrams[:3])

    vocab = set(test_sentence)
    word_to_ix = {word: i for i, word in enumerate(vocab)}

    class NGramLanguageModeler(nn.Module):
        def __init__(self, vocab_size, embedding_dim, context_size):
            super(NGramLanguageModeler, self).__init__()
            self.embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.linear1 = nn.Linear(context_size * embedding_dim, 128)
            self.linear2 = nn.Linear(128, vocab_size)

        def forward(self, inputs):
            embeds = self.embeddings(inputs).view((1, -1))
            out = F.relu(self.linear1(embeds))
            out = self.linear2(out)
            log_probs = F.log_softmax(out, dim=1)
            return log_probs

    losses = []
    loss_function = nn.NLLLoss()
    model = NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE)
    optimizer = optim.SGD(model.parameters(), lr=0.001)

    for epoch in range(10):
        total_loss = 0
        for context, target in trigrams:
            # Step 1. Prepare the inputs to be passed to the model (i.e, turn the words
            # into integer indices and wrap them in tensors)
            context_idxs = torch.tensor([word_to_ix[w] for w in context], dtype=torch.long)

            # Step 2. Recall that torch *accumulates* gradients. Before passing in a
            # new instance, you need to zero out the gradients from the old
            # instance
            model.zero_grad()

            # Step 3. Run the forward pass, getting log probabilities over next
            # words
            log_probs = model(context_idxs)

            # Step 4. Compute your loss function. (Again, Torch wants the target
            # word wrapped in a tensor)
            loss = loss_function(log_probs, torch.tensor([word_to_ix[target]], dtype=torch.long))

            # Step 5. Do the backward pass and update the gradient
            loss.backward()
            optimizer.step()

            # Get the Python number from a 1-element Tensor by calling tensor.item()
            total_loss += loss.item()
        losses.append(total_loss)
    print(losses)  # The loss decreased every iteration over the training data!

    ######################################################################
    # Exercise: Computing Word Embeddings: Continuous Bag-of-Words
    # ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    #
    # (the tutorial's explanation of CBOW, -log p(w_i | C) = -log Softmax(A(sum_{w in C} q_w) + b), and its
    # tips are left out here)
    #

    CONTEXT_SIZE = 2  # 2 words to the left, 2 to the right
    raw_text = """We are about to study the idea of a computational process.
Computational processes are abstract beings that inhabit computers.
As they evolve, processes manipulate other abstract things called data.
The evolution of a process is directed by a pattern of rules
called a program. People create programs to direct processes. In effect,
we conjure the spirits of the computer with our spells.""".split()

    # By deriving a set from `raw_text`, we deduplicate the array
    vocab = set(raw_text)
    vocab_size = len(vocab)

    word_to_ix = {word: i for i, word in enumerate(vocab)}
    data = []
    for i in range(2, len(raw_text) - 2):
        context = [raw_text[i - 2], raw_text[i - 1],
                   raw_text[i + 1], raw_text[i + 2]]  # fmt: skip
        target = raw_text[i]
        data.append((context, target))
    print(data[:5])

    class CBOW(nn.Module):
        def __init__(self):
            pass

        def forward(self, inputs):
            pass

    # create your model and train.  here are some functions to help you make
    # the data ready for use by your module

    def make_context_vector(context, word_to_ix):
        idxs = [word_to_ix[w] for w in context]
        return torch.tensor(idxs, dtype=torch.long)

    make_context_vector(data[0][0], word_to_ix)  # example

    # ------------------------------------------------------------------ checks
    assert tuple(hello_embed.shape) == (1, 5) and hello_embed.requires_grad
    assert trigrams[:3] == [
        (["When", "forty"], "winters"),
        (["forty", "winters"], "shall"),
        (["winters", "shall"], "besiege"),
    ]
    assert len(trigrams) == 113 and vocab_size == 49
    uniform_guess = len(trigrams) * math.log(97)  # 97 distinct words in the sonnet
    assert len(losses) == 10 and abs(losses[0] - uniform_guess) < 0.05 * uniform_guess
    assert all(later < earlier for earlier, later in itertools.pairwise(losses))
    assert data[0] == (["We", "are", "to", "study"], "about")
    vector = make_context_vector(data[0][0], word_to_ix)
    assert vector.dtype == torch.long and [list(word_to_ix)[i] for i in vector.tolist()] == data[0][0]
    assert "[(['When', 'forty'], 'winters')" in capsys.readouterr().out
