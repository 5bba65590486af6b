export const id = 154;
export const ids = [154];
export const modules = {

/***/ 56154:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AWS_CREDENTIALS_FIX: () => (/* binding */ AWS_CREDENTIALS_FIX),
/* harmony export */   AwsCredentialsError: () => (/* binding */ AwsCredentialsError),
/* harmony export */   awsCredentialProvider: () => (/* binding */ awsCredentialProvider),
/* harmony export */   createSigV4Signer: () => (/* binding */ createSigV4Signer)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74296);
/* harmony import */ var _secrets_index_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24492);
/* harmony import */ var _objects_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(77459);



/** How to give Slipway AWS credentials, for messages. */
const AWS_CREDENTIALS_FIX = 'in GitHub Actions, give the job `permissions: id-token: write` and run aws-actions/configure-aws-credentials (role-to-assume, aws-region) before this step; ' +
    'elsewhere set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE';
/** A credential that the AWS chain could not find or load. */
class AwsCredentialsError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .SlipwayError */ .GQ {
    name = 'AwsCredentialsError';
}
/**
 * The AWS credential chain over `env` (the front end passes process.env). Keys in `env` are used
 * as they are — exactly what the chain's first link reads from the process — so a caller that
 * hands in its own environment is obeyed; otherwise the SDK's chain (credential-provider-node) runs,
 * given `env`'s AWS_PROFILE and web identity settings. `region` is where a web identity's STS call
 * goes. Errors are AwsCredentialsError saying how to provide credentials.
 */
function awsCredentialProvider(env, region) {
    let chain;
    return async () => {
        const accessKeyId = env.AWS_ACCESS_KEY_ID;
        const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
        let credentials;
        if (accessKeyId && secretAccessKey && !env.AWS_PROFILE) {
            credentials = { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
        }
        else {
            if (!chain) {
                const { defaultProvider } = await Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(422), __webpack_require__.e(118), __webpack_require__.e(861)]).then(__webpack_require__.t.bind(__webpack_require__, 5861, 19));
                chain = defaultProvider((0,_objects_js__WEBPACK_IMPORTED_MODULE_2__/* .dropUndefined */ .i)({
                    profile: env.AWS_PROFILE,
                    roleArn: env.AWS_ROLE_ARN,
                    webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
                    roleSessionName: env.AWS_ROLE_SESSION_NAME,
                    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
                    configFilepath: env.AWS_CONFIG_FILE,
                    clientConfig: region ? { region } : undefined,
                }));
            }
            try {
                credentials = await chain();
            }
            catch (error) {
                // The chain's own message lists no fix (and never holds a key): said with ours.
                throw new AwsCredentialsError(`No AWS credentials: ${error.message ?? String(error)}. Fix: ${AWS_CREDENTIALS_FIX}.`);
            }
        }
        (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .registerSecret */ .cl)(credentials.secretAccessKey);
        if (credentials.sessionToken)
            (0,_secrets_index_js__WEBPACK_IMPORTED_MODULE_1__/* .registerSecret */ .cl)(credentials.sessionToken);
        return credentials;
    };
}
/**
 * A signer for a Prometheus-API source's requests (PrometheusOptions.sign): it returns the headers
 * AWS Signature V4 adds — `authorization`, `x-amz-date` and, for temporary credentials,
 * `x-amz-security-token`. It signs the method, the URL's path and query, the host, the body and
 * every header given (as they will be sent).
 */
async function createSigV4Signer(options) {
    const service = options.service ?? 'aps';
    const [{ SignatureV4 }, { Hash }, { HttpRequest }] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(422), __webpack_require__.e(118)]).then(__webpack_require__.t.bind(__webpack_require__, 75118, 19)), Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(92)]).then(__webpack_require__.bind(__webpack_require__, 5092)), Promise.all(/* import() */[__webpack_require__.e(430), __webpack_require__.e(422), __webpack_require__.e(356)]).then(__webpack_require__.bind(__webpack_require__, 49975))]);
    const credentials = options.credentials ?? awsCredentialProvider(options.env, options.region);
    const signer = new SignatureV4({
        service,
        region: options.region,
        credentials,
        sha256: Hash.bind(null, 'sha256'),
        // The body's hash is part of the signature all the same; the x-amz-content-sha256 header is
        // for S3 and Glacier only.
        applyChecksum: false,
    });
    const sign = async (request) => {
        const url = new URL(request.url);
        const query = {};
        for (const [name, value] of url.searchParams) {
            const seen = query[name];
            query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
        }
        const given = new Set(Object.keys(request.headers).map((name) => name.toLowerCase()));
        const signed = await signer.sign(new HttpRequest({
            method: request.method,
            protocol: url.protocol,
            hostname: url.hostname,
            ...(url.port ? { port: Number(url.port) } : {}),
            path: url.pathname,
            query,
            // fetch sends the Host of the URL (with its port, when it is not the default).
            headers: { ...request.headers, host: url.host },
            body: request.body,
        }), { signingDate: options.now?.() ?? new Date() });
        // Only what the signature added: the caller sends the headers it gave, fetch the host.
        return Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host' && (!given.has(name.toLowerCase()) || name.toLowerCase() === 'authorization')));
    };
    return Object.assign(sign, {
        refusedFix: `check the AWS credentials the chain found (${AWS_CREDENTIALS_FIX}), that their role may call the service (Amazon Managed Prometheus: aps:QueryMetrics on the workspace), ` +
            `and that sigv4 names the workspace's region (${options.region}) and service (${service})`,
    });
}


/***/ })

};
