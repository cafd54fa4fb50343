#!/usr/bin/env python3
"""PyTorch CPU peer of the TensorFlow.js benchmark: the same reference architectures and the same
training-step definitions, timed the same way (warm-up excluded, one step = one iteration).

Mirrors, layer for layer (NCHW here, NHWC in tfjs; 'same' padding with k=4, s=2 is padding=1):
  VAE      models/vae/model.ts      L = KL (summed over latent dims, batch mean) + α·MSE (pixel mean)
  DCGAN    models/gan/dcgan.ts      non-saturating BCE on logits; one D step, then one G step
  WGAN-GP  models/gan/wgan-gp.ts    E[C(fake)] − E[C(real)] + λ·E[(‖∇x̂ C(x̂)‖₂ − 1)²], n_critic critic
                                    steps, then one G step minimising −E[C(fake)]
Hyper-parameters (α, learning rates, Adam betas, λ, n_critic) are not repeated here: the bench
passes them from models/*/config.ts as --config JSON. Adam's epsilon is tfjs's 1e-7; batch norm
uses Keras' eps 1e-3 and momentum 0.99 (PyTorch momentum 0.01).

Gradients are only computed for the network being updated (the other one's parameters are
frozen for that step), as tfjs's variableGrads does.

A session: the bench starts the peer, which builds and warms up the requested models and prints
one JSON line,
  {"schema": "vae-vs-gan/bench-peer@2", "status": "ready", "torch": "2.x", "threads": 2, "batch": 64,
   "models": [{"model": "vae", "parameters": {"encoder": n, "decoder": n}}, ...]}
(parameters: trainable parameters per network, named as in tfjs, to check the architectures match)
or, without torch, {"schema": ..., "status": "skipped", "reason": "..."} and exit status 3. Then,
for each request line on stdin, {"id": 7, "model": "vae", "iterations": 3, "time_ms": 500}, it
times that many steps and at least that long, and answers {"id": 7, "model": "vae",
"samples_ms": [...]}. The bench
alternates these blocks with its own (harness/bench/paired.ts), so that both see the same machine.
It exits at the end of stdin.
"""
import argparse
import json
import sys
import time

SCHEMA = "vae-vs-gan/bench-peer@2"


def emit(doc):
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--config", required=True, help="JSON: {vae, dcgan, wgan-gp} reference configs")
    p.add_argument("--models", default="vae,dcgan,wgan-gp")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--warmup", type=int, default=3, help="untimed steps per model before the ready line")
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args(argv)


def build(torch, nn):
    """Network builders; defined after torch is imported."""

    def glorot(module):
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        return module

    class Reshape(nn.Module):
        def __init__(self, *shape):
            super().__init__()
            self.shape = shape

        def forward(self, x):
            return x.view(x.shape[0], *self.shape)

    def encoder(latent):
        return glorot(nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
            nn.Flatten(), nn.Linear(7 * 7 * 64, 2 * latent)))

    def decoder(latent):
        return glorot(nn.Sequential(
            nn.Linear(latent, 7 * 7 * 64), nn.ReLU(), Reshape(64, 7, 7),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Sigmoid()))

    def generator(latent):
        return glorot(nn.Sequential(
            nn.Linear(latent, 7 * 7 * 128, bias=False), nn.BatchNorm1d(7 * 7 * 128, eps=1e-3, momentum=0.01), nn.ReLU(),
            Reshape(128, 7, 7),
            nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64, eps=1e-3, momentum=0.01), nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh()))

    def discriminator():
        return glorot(nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(7 * 7 * 128, 1)))

    return encoder, decoder, generator, discriminator


def make_steps(torch, nn, F, configs, n):
    encoder, decoder, generator, discriminator = build(torch, nn)

    def frozen(module, flag):
        for p in module.parameters():
            p.requires_grad_(not flag)

    def vae():
        c = configs["vae"]
        enc, dec = encoder(c["latentDim"]), decoder(c["latentDim"])
        opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=c["learningRate"], eps=1e-7)
        x = torch.rand(n, 1, 28, 28)

        def step():
            mu, log_var = enc(x).chunk(2, dim=1)
            z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
            kl = (-0.5 * (1 + log_var - mu.pow(2) - log_var.exp()).sum(1)).mean()
            mse = F.mse_loss(dec(z), x)
            loss = kl + c["alpha"] * mse
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            return loss.item()
        return step, {"encoder": enc, "decoder": dec}

    def dcgan():
        c = configs["dcgan"]
        g, d = generator(c["latentDim"]), discriminator()
        opt_d = torch.optim.Adam(d.parameters(), lr=c["learningRate"], betas=(c["beta1"], 0.999), eps=1e-7)
        opt_g = torch.optim.Adam(g.parameters(), lr=c["learningRate"], betas=(c["beta1"], 0.999), eps=1e-7)
        real = torch.rand(n, 1, 28, 28) * 2 - 1
        ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)

        def step():
            with torch.no_grad():
                fake = g(torch.randn(n, c["latentDim"]))
            d_loss = F.binary_cross_entropy_with_logits(d(real), ones) + F.binary_cross_entropy_with_logits(d(fake), zeros)
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
            frozen(d, True)
            g_loss = F.binary_cross_entropy_with_logits(d(g(torch.randn(n, c["latentDim"]))), ones)
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
            frozen(d, False)
            return d_loss.item() + g_loss.item()
        return step, {"generator": g, "discriminator": d}

    def wgan_gp():
        c = configs["wgan-gp"]
        g, critic = generator(c["latentDim"]), discriminator()
        betas = (c["beta1"], c["beta2"])
        opt_c = torch.optim.Adam(critic.parameters(), lr=c["learningRate"], betas=betas, eps=1e-7)
        opt_g = torch.optim.Adam(g.parameters(), lr=c["learningRate"], betas=betas, eps=1e-7)
        # A fresh real minibatch for each critic update (Algorithm 1), as models/gan/wgan-gp.ts.
        reals = (torch.rand(c["nCritic"] * n, 1, 28, 28) * 2 - 1).split(n)

        def step():
            c_loss = None
            for real in reals:
                with torch.no_grad():
                    fake = g(torch.randn(n, c["latentDim"]))
                distance = critic(real).mean() - critic(fake).mean()
                eps = torch.rand(n, 1, 1, 1)
                x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
                grads, = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
                norms = torch.sqrt(grads.pow(2).sum(dim=(1, 2, 3)) + 1e-12)
                gp = (norms - 1).pow(2).mean()
                loss = c["gradientPenalty"] * gp - distance
                opt_c.zero_grad(set_to_none=True)
                loss.backward()
                opt_c.step()
                c_loss = loss.item()
            frozen(critic, True)
            g_loss = -critic(g(torch.randn(n, c["latentDim"]))).mean()
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
            frozen(critic, False)
            return c_loss + g_loss.item()
        return step, {"generator": g, "critic": critic}

    return {"vae": vae, "dcgan": dcgan, "wgan-gp": wgan_gp}


def time_steps(step, iterations, time_ms):
    samples = []
    while len(samples) < iterations or sum(samples) < time_ms:
        start = time.perf_counter()
        step()
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def serve(steps, lines):
    """Answers each request line with the samples of that block of steps."""
    for line in lines:
        if not line.strip():
            continue
        request = json.loads(line)
        model = request["model"]
        if model not in steps:
            raise SystemExit(f"request: model '{model}' was not built (built: {', '.join(steps)})")
        emit({"id": request["id"], "model": model, "samples_ms": time_steps(steps[model], int(request["iterations"]), float(request["time_ms"]))})


def main(argv):
    args = parse_args(argv)
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except Exception as error:  # ImportError, or a broken wheel's OSError
        emit({"schema": SCHEMA, "status": "skipped", "reason": f"torch not installed ({type(error).__name__}: {error})"})
        return 3
    configs = json.loads(args.config)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    makers = make_steps(torch, nn, F, configs, args.batch)
    steps, models = {}, []
    for model in [m for m in args.models.split(",") if m]:
        if model not in makers:
            raise SystemExit(f"--models: unknown model '{model}' (expected {', '.join(makers)})")
        step, networks = makers[model]()
        for _ in range(args.warmup):
            step()
        steps[model] = step
        models.append({"model": model, "parameters": {name: sum(p.numel() for p in net.parameters()) for name, net in networks.items()}})
    emit({"schema": SCHEMA, "status": "ready", "torch": torch.__version__, "threads": torch.get_num_threads(),
          "batch": args.batch, "models": models})
    serve(steps, sys.stdin)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
