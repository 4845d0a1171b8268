package dev.ferry.stream;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The lanes' producers compress with lz4, whose library picks its Java implementation by class name at run time:
 * registered here so that a native image finds them (it has no JNI build of lz4 to fall back on).
 */
@RegisterForReflection(classNames = { "net.jpountz.lz4.LZ4JavaSafeCompressor", "net.jpountz.lz4.LZ4HCJavaSafeCompressor",
        "net.jpountz.lz4.LZ4JavaSafeFastDecompressor", "net.jpountz.lz4.LZ4JavaSafeSafeDecompressor",
        "net.jpountz.lz4.LZ4JavaUnsafeCompressor", "net.jpountz.lz4.LZ4HCJavaUnsafeCompressor",
        "net.jpountz.lz4.LZ4JavaUnsafeFastDecompressor", "net.jpountz.lz4.LZ4JavaUnsafeSafeDecompressor",
        "net.jpountz.xxhash.XXHash32JavaSafe", "net.jpountz.xxhash.XXHash64JavaSafe",
        "net.jpountz.xxhash.XXHash32JavaUnsafe", "net.jpountz.xxhash.XXHash64JavaUnsafe",
        "net.jpountz.xxhash.StreamingXXHash32JavaSafe$Factory", "net.jpountz.xxhash.StreamingXXHash64JavaSafe$Factory",
        "net.jpountz.xxhash.StreamingXXHash32JavaUnsafe$Factory",
        "net.jpountz.xxhash.StreamingXXHash64JavaUnsafe$Factory" }, fields = true, methods = true)
final class Lz4Registrations {

    private Lz4Registrations() {
    }
}
