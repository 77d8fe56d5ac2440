#!/usr/bin/python3
"""Full-batch GD on a 5-16-1 leaky-ReLU MLP, MSE, standardized UCI Airfoil (Sec. 3.3), in PyTorch (CPU, one thread).
Prints one JSON object with epochs per second (forward + backward + update)."""
import json, os, time
import numpy as np, torch
torch.set_num_threads(1)
here = os.path.dirname(os.path.abspath(__file__))
d = np.genfromtxt(os.environ.get("AIRFOIL_CSV", os.path.join(here, "..", "..", "src", "ChaosDescent", "Data", "airfoil_self_noise.csv")), delimiter=",", skip_header=1)
X, y = d[:, :5], d[:, 5:6]
X = torch.tensor((X - X.mean(0)) / X.std(0)); y = torch.tensor((y - y.mean()) / y.std())
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.LeakyReLU(0.01), torch.nn.Linear(16, 1)).double()
opt = torch.optim.SGD(net.parameters(), lr=float(os.environ.get("LR", "0.02")))
epochs = int(os.environ.get("EPOCHS", "3000"))
def epoch():
    opt.zero_grad(set_to_none=True); loss = torch.mean((net(X) - y) ** 2); loss.backward(); opt.step(); return loss
for _ in range(100): epoch()
t = time.perf_counter()
for _ in range(epochs): loss = epoch()
dt = time.perf_counter() - t
print(json.dumps({"anchor": "torch-mlp", "torch": torch.__version__, "epochs": epochs, "epochs_per_second": epochs / dt, "final_loss": float(loss)}))
