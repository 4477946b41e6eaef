#!/bin/sh
# The single etcd member Patroni keeps its leader lock in.
exec etcd --name etcd --data-dir /tmp/etcd \
  --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls http://etcd:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster etcd=http://127.0.0.1:2380
