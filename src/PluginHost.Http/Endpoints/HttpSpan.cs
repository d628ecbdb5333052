using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// The span of one <c>/v1/…</c> request on <see cref="PluginHostTelemetry.ActivitySource"/>: under ASP.NET Core's own
/// request activity when something records that one, else the request's server span itself, continuing the caller's
/// <c>traceparent</c> header, so listening to <c>PluginHost</c> alone gives whole traces.
/// </summary>
internal static class HttpSpan
{
    private const string Route = "/v1/{**path}";

    /// <summary>Starts the span, or returns <see langword="null"/> when tracing is off or nobody listens.</summary>
    public static Activity? Start(HttpContext context, string path, string requestId)
    {
        if (!PluginHostTelemetry.TracingEnabled || !PluginHostTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var request = context.Request;
        var name = $"{request.Method} {Route}";
        var ambient = Activity.Current;
        Activity? activity;
        if (ambient is { IsAllDataRequested: true } && ambient.Source.HasListeners())
        {
            // ASP.NET Core's request activity is recorded (its instrumentation listens): ours is a step inside it.
            activity = PluginHostTelemetry.ActivitySource.StartActivity(name, ActivityKind.Internal);
        }
        else
        {
            // Nobody records ASP.NET Core's activity (if there is one): ours is the request's server span, continuing
            // the caller's traceparent itself rather than hanging under an activity no exporter will ever see.
            Activity.Current = null;
            activity = RemoteParent(request.Headers) is { } parent
                ? PluginHostTelemetry.ActivitySource.StartActivity(name, ActivityKind.Server, parent)
                : PluginHostTelemetry.ActivitySource.StartActivity(name, ActivityKind.Server);
            if (activity is null)
            {
                Activity.Current = ambient;
            }
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", request.Method);
            activity.SetTag("http.route", Route);
            activity.SetTag("url.path", "/v1/" + path);
            activity.SetTag("pluginhost.request_id", requestId);
        }

        return activity;
    }

    /// <summary>Records the answer's status on the span and ends it.</summary>
    public static void End(Activity? activity, HttpContext context)
    {
        if (activity is null)
        {
            return;
        }

        var status = context.Response.StatusCode;
        activity.SetTag("http.response.status_code", status);
        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Dispose();
    }

    private static ActivityContext? RemoteParent(IHeaderDictionary headers) =>
        headers.TryGetValue("traceparent", out var traceParent)
        && ActivityContext.TryParse(traceParent.ToString(), headers.TryGetValue("tracestate", out var state) ? state.ToString() : null, isRemote: true, out var parent)
            ? parent
            : null;
}
