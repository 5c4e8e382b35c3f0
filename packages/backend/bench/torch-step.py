# PyTorch reference for `bench/profile.ts`/`bench/run.ts`: the same ResNet18-style CIFAR network (3×3 stem, 4 stages × 2
# basic blocks, widths w·[1, 2, 4, 8]), batch 64 of 32×32×3, SGD momentum; median of 7 steps.
# `python3 bench/torch-step.py THREADS` (Debian: apt-get install python3-torch).
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
w=16
class Block(nn.Module):
    def __init__(s, i, o, st):
        super().__init__(); s.c1=nn.Conv2d(i,o,3,st,1,bias=False); s.b1=nn.BatchNorm2d(o); s.c2=nn.Conv2d(o,o,3,1,1,bias=False); s.b2=nn.BatchNorm2d(o)
        s.sc = nn.Sequential(nn.Conv2d(i,o,1,st,bias=False), nn.BatchNorm2d(o)) if st!=1 or i!=o else nn.Identity()
    def forward(s,x): return F.relu(s.b2(s.c2(F.relu(s.b1(s.c1(x)))))+s.sc(x))
layers=[nn.Conv2d(3,w,3,1,1,bias=False), nn.BatchNorm2d(w), nn.ReLU()]
i=w
for k,o in enumerate([w,2*w,4*w,8*w]):
    layers += [Block(i,o,1 if k==0 else 2), Block(o,o,1)]; i=o
net=nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(i,10))
opt=torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
x=torch.randn(64,3,32,32); y=torch.randint(0,10,(64,))
def step():
    opt.zero_grad(); F.cross_entropy(net(x),y).backward(); opt.step()
for _ in range(2): step()
ts=[]
for _ in range(7):
    t=time.perf_counter(); step(); ts.append(time.perf_counter()-t)
ts.sort(); print(sys.argv[1], 'threads: train img/s', round(64/ts[3],1))
