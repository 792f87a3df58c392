using System.Runtime.InteropServices;

namespace BlurVideo.Native;

/// <summary>Turns the shim's status codes into exceptions that carry the shim's message.</summary>
internal static class NativeError
{
    /// <summary>Throws <see cref="BlurVideoNativeException"/> unless <paramref name="status"/> is <see cref="NativeStatus.Ok"/>.</summary>
    /// <remarks>Call it right after the native call, on the same thread: the message is thread-local.</remarks>
    public static void ThrowIfFailed(int status)
    {
        if (status != (int)NativeStatus.Ok)
        {
            throw Create(status);
        }
    }

    /// <summary>
    /// Like <see cref="ThrowIfFailed"/>, but end of stream is an expected outcome: returns false for it.
    /// </summary>
    public static bool ThrowIfFailedExceptEndOfStream(int status)
    {
        if (status == (int)NativeStatus.EndOfStream)
        {
            return false;
        }

        ThrowIfFailed(status);
        return true;
    }

    private static BlurVideoNativeException Create(int status)
    {
        var message = LastMessage();
        var kind = Enum.IsDefined((NativeStatus)status) ? (NativeStatus)status : NativeStatus.Unknown;
        if (string.IsNullOrEmpty(message))
        {
            message = $"The native shim failed with status {kind} ({status}) and gave no message.";
        }

        return new BlurVideoNativeException(kind, message);
    }

    private static string LastMessage()
    {
        var text = NativeMethods.bv_last_error_message();
        return text == 0 ? string.Empty : Marshal.PtrToStringUTF8(text) ?? string.Empty;
    }
}
