package io.blueshift.gpu.cuda;

/**
 * A CUDA driver or NVRTC call that failed: the function, the error's name (e.g.
 * {@code CUDA_ERROR_OUT_OF_MEMORY}) and its code. The query that met it runs on the CPU.
 */
public final class CudaException extends RuntimeException {
    private final String function;
    private final String errorName;
    private final int code;

    public CudaException(String function, int code, String errorName) {
        this(function, code, errorName, null);
    }

    public CudaException(String function, int code, String errorName, String detail) {
        super(function + " failed: " + errorName + " (" + code + ")" + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.function = function;
        this.errorName = errorName;
        this.code = code;
    }

    public String function() { return function; }
    public String errorName() { return errorName; }
    public int code() { return code; }
}
