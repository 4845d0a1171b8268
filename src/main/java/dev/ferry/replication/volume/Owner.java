package dev.ferry.replication.volume;

/** The object on whose behalf a volume, secret, service or job exists (Kubernetes' owner reference). */
public record Owner(String kind, String namespace, String name, String uid) {
}
