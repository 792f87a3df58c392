namespace BlurVideo.Native;

/// <summary>Loads the shim once and checks that it is the version this assembly was built for.</summary>
internal static class NativeShim
{
    private static volatile bool s_verified;

    /// <summary>
    /// Throws a <see cref="BlurVideoNativeException"/> with instructions when <c>libblurvideo_native.so</c>
    /// is missing or was built from a different header. Cheap after the first call.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (s_verified)
        {
            return;
        }

        int version;
        try
        {
            NativeError.ThrowIfFailed(NativeMethods.bv_get_abi_version(out version));
        }
        catch (DllNotFoundException e)
        {
            throw new BlurVideoNativeException(
                "The native OpenCV shim libblurvideo_native.so could not be loaded. Build it with scripts/setup.sh "
                + "(it lands in build/native/ and is copied next to the application); it needs Debian's OpenCV 4.6 "
                + $"libraries. Loader message: {e.Message}",
                e);
        }

        if (version != NativeMethods.AbiVersion)
        {
            throw new BlurVideoNativeException(
                NativeStatus.Unknown,
                $"libblurvideo_native.so has ABI version {version} but BlurVideo expects {NativeMethods.AbiVersion}; "
                + "rebuild the native shim (scripts/setup.sh).");
        }

        s_verified = true;
    }
}
