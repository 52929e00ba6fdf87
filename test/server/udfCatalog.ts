// The demo UDFs: realistic Python code (as a Fused user would write it), how each one
// fails, and what it prints. Line numbers in the generated tracebacks are computed from
// these exact lines, so a traceback frame "line 14, in udf" points at the real line 14
// of the code stored in the run's udf_data.

import { SeededRandom } from './random';

export type TemplateKind = 'stac' | 'dem' | 'overture' | 'census' | 'duckdb' | 'http' | 'h3' | 'ml' | 'hello';

export interface FailureMode {
  /** A substring of the UDF code line that raises. */
  at: string;
  /** Frames below the UDF frame (library code), already formatted as traceback lines. */
  libraryFrames: string[];
  /** The final "ExceptionType: message" line(s). */
  error: string;
  /** When set, the error is raised inside a header module: [module_name, substring of its line, function]. */
  inHeader?: [string, string, string];
  /** Lines printed before the traceback (warnings, a chained exception). */
  preamble?: string;
}

export interface UdfTemplate {
  /** Code lines of the first version; `{{DESC}}` is replaced by the UDF's description. */
  code: string[];
  /** The signature default that a later version changes: [from, to]. */
  laterDefault: [string, string];
  headers: { module_name: string; source_file: string; lines: string[] }[];
  failures: FailureMode[];
  parameters(rng: SeededRandom): Record<string, unknown>;
  stdout(rng: SeededRandom): string;
}

function tile(rng: SeededRandom): Record<string, number> {
  const z = rng.int(9, 15);
  return { x: rng.int(0, 2 ** z - 1), y: rng.int(0, 2 ** z - 1), z };
}

const PLACES = ['東京都 新宿区', 'São Paulo', 'القاهرة', 'תל אביב-יפו', 'Zürich', 'Kraków', 'Ciudad de México', '서울특별시', 'Αθήνα', 'Reykjavík'];

export const TEMPLATES: Record<TemplateKind, UdfTemplate> = {
  stac: {
    code: [
      '@fused.udf',
      'def udf(bbox: fused.types.TileGDF = None, collection: str = "sentinel-2-l2a", cloud_cover: int = 20, time_of_interest: str = "2024-06-01/2024-08-31"):',
      '    """{{DESC}}"""',
      '    import odc.stac',
      '    import planetary_computer',
      '    import pystac_client',
      '    from utils import arr_to_png, mosaic_median',
      '',
      '    catalog = pystac_client.Client.open(',
      '        "https://planetarycomputer.microsoft.com/api/stac/v1",',
      '        modifier=planetary_computer.sign_inplace,',
      '    )',
      '    items = catalog.search(',
      '        collections=[collection],',
      '        bbox=bbox.total_bounds,',
      '        datetime=time_of_interest,',
      '        query={"eo:cloud_cover": {"lt": cloud_cover}},',
      '    ).item_collection()',
      '    print(f"Found {len(items)} items")',
      '    ds = odc.stac.load(items, bands=["B04", "B03", "B02"], resolution=10, bbox=bbox.total_bounds)',
      '    arr = mosaic_median(ds)',
      '    return arr_to_png(arr)',
    ],
    laterDefault: ['cloud_cover: int = 20', 'cloud_cover: int = 10'],
    headers: [
      {
        module_name: 'utils',
        source_file: 'utils.py',
        lines: [
          'import numpy as np',
          '',
          '',
          'def mosaic_median(ds):',
          '    stacked = ds.to_array().values',
          '    return np.nanmedian(stacked, axis=1)',
          '',
          '',
          'def arr_to_png(arr, vmin=0, vmax=3000):',
          '    scaled = np.clip((arr - vmin) / (vmax - vmin) * 255, 0, 255)',
          '    return scaled.astype("uint8")',
        ],
      },
    ],
    failures: [
      {
        at: 'items = catalog.search(',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/pystac_client/item_search.py", line 749, in item_collection',
          '    for item in self.items_as_dicts():',
          '  File "/usr/local/lib/python3.11/site-packages/pystac_client/stac_api_io.py", line 196, in request',
          '    raise APIError.from_response(resp)',
        ],
        error: 'pystac_client.exceptions.APIError: {"code":"RateLimitExceeded","description":"Too many requests, retry after 30 seconds"}',
      },
      {
        at: 'ds = odc.stac.load(',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/odc/stac/_stac_load.py", line 482, in load',
          '    raise ValueError("No items to load")',
        ],
        error: 'ValueError: No items to load',
      },
      {
        at: 'arr = mosaic_median(ds)',
        inHeader: ['utils', 'stacked = ds.to_array().values', 'mosaic_median'],
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/xarray/core/dataarray.py", line 784, in values',
          '    return self.variable.values',
        ],
        error: 'numpy.core._exceptions._ArrayMemoryError: Unable to allocate 3.59 GiB for an array with shape (3, 14, 10980, 10980) and data type uint16',
      },
    ],
    parameters: (rng) => ({ ...tile(rng), cloud_cover: rng.pick([5, 10, 20, 30]) }),
    stdout: (rng) => {
      const n = rng.int(1, 48);
      return `Found ${n} items\nLoading ${n} scenes at 10 m resolution\n`;
    },
  },

  dem: {
    code: [
      '@fused.udf',
      'def udf(bbox: fused.types.TileGDF = None, azimuth: float = 315.0, altitude: float = 45.0, z_factor: float = 1.0):',
      '    """{{DESC}}"""',
      '    import numpy as np',
      '    import rasterio',
      '    from rasterio.session import AWSSession',
      '',
      '    url = "s3://fused-asset/dem/copernicus_30m/cop30.vrt"',
      '    with rasterio.Env(AWSSession(requester_pays=True)):',
      '        with rasterio.open(url) as src:',
      '            window = src.window(*bbox.total_bounds)',
      '            dem = src.read(1, window=window, out_shape=(256, 256)).astype("float32")',
      '    x, y = np.gradient(dem * z_factor)',
      '    slope = np.pi / 2.0 - np.arctan(np.sqrt(x * x + y * y))',
      '    aspect = np.arctan2(-x, y)',
      '    az = np.deg2rad(azimuth)',
      '    alt = np.deg2rad(altitude)',
      '    shaded = np.sin(alt) * np.sin(slope) + np.cos(alt) * np.cos(slope) * np.cos(az - aspect)',
      '    return (255 * (shaded + 1) / 2).astype("uint8")',
    ],
    laterDefault: ['z_factor: float = 1.0', 'z_factor: float = 2.5'],
    headers: [],
    failures: [
      {
        at: 'with rasterio.open(url) as src:',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/rasterio/env.py", line 451, in wrapper',
          '    return f(*args, **kwds)',
          '  File "rasterio/_base.pyx", line 310, in rasterio._base.DatasetBase.__init__',
        ],
        error: "rasterio.errors.RasterioIOError: Access Denied: s3://fused-asset/dem/copernicus_30m/cop30.vrt (HTTP 403)",
      },
      {
        at: 'x, y = np.gradient(dem * z_factor)',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/numpy/lib/function_base.py", line 1242, in gradient',
          '    raise ValueError(',
        ],
        error: 'ValueError: Shape of array too small to calculate a numerical gradient, at least (edge_order + 1) elements are required.',
      },
    ],
    parameters: (rng) => ({ ...tile(rng), azimuth: rng.pick([270, 315, 345]) }),
    stdout: () => '',
  },

  overture: {
    code: [
      '@fused.udf',
      'def udf(bbox: fused.types.TileGDF = None, release: str = "2024-09-18-0", theme: str = "buildings", min_zoom: int = 12):',
      '    """{{DESC}}"""',
      '    import geopandas as gpd',
      '    from utils import get_overture',
      '',
      '    if bbox.z[0] < min_zoom:',
      '        print(f"zoom {bbox.z[0]} < {min_zoom}: nothing to draw")',
      '        return gpd.GeoDataFrame()',
      '    gdf = get_overture(bbox=bbox, release=release, theme=theme)',
      '    gdf = gdf[gdf.geometry.is_valid]',
      '    gdf["area_m2"] = gdf.to_crs(epsg=3857).area',
      '    print(f"{len(gdf)} features in tile {bbox.x[0]}/{bbox.y[0]}/{bbox.z[0]}")',
      '    return gdf[["id", "names", "height", "area_m2", "geometry"]]',
    ],
    laterDefault: ['min_zoom: int = 12', 'min_zoom: int = 14'],
    headers: [
      {
        module_name: 'utils',
        source_file: 'utils.py',
        lines: [
          'import fused',
          '',
          '',
          'def get_overture(bbox, release, theme):',
          '    path = f"s3://us-west-2.opendata.source.coop/fused/overture/{release}/theme={theme}"',
          '    return fused.utils.common.table_to_tile(bbox, table=path, use_columns=None)',
        ],
      },
    ],
    failures: [
      {
        at: 'gdf["area_m2"] = gdf.to_crs(epsg=3857).area',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/geopandas/geodataframe.py", line 1364, in to_crs',
          '    geom = df.geometry.to_crs(crs=crs, epsg=epsg)',
          '  File "/usr/local/lib/python3.11/site-packages/geopandas/geodataframe.py", line 236, in _get_geometry',
          '    raise AttributeError(msg)',
        ],
        error: "AttributeError: You are calling a geospatial method on the GeoDataFrame, but the active geometry column ('geometry') is not present.",
      },
      {
        at: 'return gdf[["id", "names", "height", "area_m2", "geometry"]]',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/pandas/core/frame.py", line 4108, in __getitem__',
          '    indexer = self.columns._get_indexer_strict(key, "columns")[1]',
        ],
        error: `KeyError: "['height'] not in index"`,
      },
    ],
    parameters: (rng) => ({ ...tile(rng), theme: rng.pick(['buildings', 'places', 'transportation']) }),
    stdout: (rng) => `${rng.int(0, 48000)} features in tile ${rng.int(0, 4095)}/${rng.int(0, 4095)}/${rng.int(12, 16)}\n`,
  },

  census: {
    code: [
      '@fused.udf',
      'def udf(state_fips: str = "06", year: int = 2022, variable: str = "B01003_001E"):',
      '    """{{DESC}}"""',
      '    import geopandas as gpd',
      '    import pandas as pd',
      '    import requests',
      '',
      '    tracts = gpd.read_file(f"https://www2.census.gov/geo/tiger/TIGER{year}/TRACT/tl_{year}_{state_fips}_tract.zip")',
      '    resp = requests.get(',
      '        f"https://api.census.gov/data/{year}/acs/acs5",',
      '        params={"get": variable, "for": "tract:*", "in": f"state:{state_fips}"},',
      '        timeout=30,',
      '    )',
      '    resp.raise_for_status()',
      '    rows = resp.json()',
      '    acs = pd.DataFrame(rows[1:], columns=rows[0])',
      '    acs["GEOID"] = acs["state"] + acs["county"] + acs["tract"]',
      '    joined = tracts.merge(acs, on="GEOID", how="left")',
      '    joined[variable] = pd.to_numeric(joined[variable])',
      '    print(f"joined {len(joined)} tracts for state {state_fips}")',
      '    return joined',
    ],
    laterDefault: ['year: int = 2022', 'year: int = 2023'],
    headers: [],
    failures: [
      {
        at: 'resp.raise_for_status()',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/requests/models.py", line 1021, in raise_for_status',
          '    raise HTTPError(http_error_msg, response=self)',
        ],
        error: 'requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://api.census.gov/data/2022/acs/acs5?get=B01003_001E&for=tract%3A%2A&in=state%3A06',
      },
      {
        at: 'joined[variable] = pd.to_numeric(joined[variable])',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/pandas/core/tools/numeric.py", line 232, in to_numeric',
          '    values, new_mask = lib.maybe_convert_numeric(  # type: ignore[call-overload]',
          '  File "lib.pyx", line 2433, in pandas._libs.lib.maybe_convert_numeric',
        ],
        error: 'ValueError: Unable to parse string "-666666666.0 (suppressed)" at position 1207',
      },
    ],
    parameters: (rng) => ({ state_fips: rng.pick(['06', '36', '48', '17', '53']), year: rng.pick([2021, 2022]) }),
    stdout: (rng) => `joined ${rng.int(1500, 9200)} tracts for state ${rng.pick(['06', '36', '48'])}\n`,
  },

  duckdb: {
    code: [
      '@fused.udf',
      'def udf(month: str = "2024-01", min_fare: float = 2.5, limit: int = 50000):',
      '    """{{DESC}}"""',
      '    import duckdb',
      '',
      '    con = duckdb.connect()',
      '    con.sql("INSTALL httpfs; LOAD httpfs; INSTALL spatial; LOAD spatial;")',
      '    df = con.sql(f"""',
      '        SELECT pickup_datetime, passenger_count, fare_amount,',
      '               ST_AsWKB(ST_Point(pickup_longitude, pickup_latitude)) AS geometry',
      '        FROM read_parquet(\'s3://fused-asset/data/nyc_taxi/{month}/*.parquet\')',
      '        WHERE fare_amount >= {min_fare}',
      '        LIMIT {limit}',
      '    """).df()',
      '    print(f"{len(df)} trips in {month}")',
      '    return df',
    ],
    laterDefault: ['limit: int = 50000', 'limit: int = 100000'],
    headers: [],
    failures: [
      {
        at: 'df = con.sql(f"""',
        libraryFrames: [],
        error: `duckdb.duckdb.IOException: IO Error: No files found that match the pattern "s3://fused-asset/data/nyc_taxi/2025-13/*.parquet"`,
      },
      {
        at: 'con.sql("INSTALL httpfs; LOAD httpfs; INSTALL spatial; LOAD spatial;")',
        libraryFrames: [],
        error: 'duckdb.duckdb.HTTPException: HTTP Error: Failed to download extension "spatial" at URL "http://extensions.duckdb.org/v1.1.3/linux_amd64_gcc4/spatial.duckdb_extension.gz" (HTTP 504)',
      },
    ],
    parameters: (rng) => ({ month: `2024-${String(rng.int(1, 12)).padStart(2, '0')}`, min_fare: rng.pick([2.5, 5, 10]) }),
    stdout: (rng) => `${rng.int(1000, 50000)} trips in 2024-${String(rng.int(1, 12)).padStart(2, '0')}\n`,
  },

  http: {
    code: [
      '@fused.udf',
      'def udf(address: str = "1600 Pennsylvania Ave NW, Washington, DC", provider: str = "nominatim", retries: int = 2):',
      '    """{{DESC}}"""',
      '    import time',
      '    import geopandas as gpd',
      '    import requests',
      '    from shapely.geometry import Point',
      '',
      '    for attempt in range(retries + 1):',
      '        resp = requests.get(',
      '            "https://nominatim.openstreetmap.org/search",',
      '            params={"q": address, "format": "json", "limit": 1},',
      '            headers={"User-Agent": "fused-demo"},',
      '            timeout=10,',
      '        )',
      '        if resp.status_code != 429:',
      '            break',
      '        time.sleep(2 ** attempt)',
      '    hits = resp.json()',
      '    lon, lat = float(hits[0]["lon"]), float(hits[0]["lat"])',
      '    print(f"geocoded {address!r} -> {lat:.5f}, {lon:.5f}")',
      '    return gpd.GeoDataFrame({"address": [address]}, geometry=[Point(lon, lat)], crs=4326)',
    ],
    laterDefault: ['retries: int = 2', 'retries: int = 4'],
    headers: [],
    failures: [
      {
        at: 'lon, lat = float(hits[0]["lon"]), float(hits[0]["lat"])',
        libraryFrames: [],
        error: 'IndexError: list index out of range',
      },
      {
        at: 'resp = requests.get(',
        preamble: [
          'Traceback (most recent call last):',
          '  File "/usr/local/lib/python3.11/site-packages/urllib3/connectionpool.py", line 536, in _make_request',
          '    response = conn.getresponse()',
          'TimeoutError: The read operation timed out',
          '',
          'During handling of the above exception, another exception occurred:',
          '',
        ].join('\n'),
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/requests/adapters.py", line 713, in send',
          '    raise ReadTimeout(e, request=request)',
        ],
        error: "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='nominatim.openstreetmap.org', port=443): Read timed out. (read timeout=10)",
      },
      {
        at: 'hits = resp.json()',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/requests/models.py", line 978, in json',
          '    raise RequestsJSONDecodeError(e.msg, e.doc, e.pos)',
        ],
        error: 'requests.exceptions.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
      },
    ],
    parameters: (rng) => ({ address: rng.pick(PLACES) }),
    stdout: (rng) => `geocoded ${JSON.stringify(rng.pick(PLACES))} -> ${rng.float(-60, 70).toFixed(5)}, ${rng.float(-170, 170).toFixed(5)}\n`,
  },

  h3: {
    code: [
      '@fused.udf',
      'def udf(bbox: fused.types.TileGDF = None, resolution: int = 8, table: str = "s3://fused-asset/infra/building_msft_us"):',
      '    """{{DESC}}"""',
      '    import h3',
      '    import pandas as pd',
      '',
      '    gdf = fused.utils.common.table_to_tile(bbox, table=table)',
      '    centroids = gdf.geometry.centroid',
      '    gdf["hex"] = [h3.latlng_to_cell(p.y, p.x, resolution) for p in centroids]',
      '    counts = gdf.groupby("hex").size().rename("count").reset_index()',
      '    counts["geometry"] = counts["hex"].map(lambda c: h3.cells_to_h3shape([c]).__geo_interface__)',
      '    print(f"{len(counts)} hexagons at resolution {resolution}")',
      '    return pd.DataFrame(counts)',
    ],
    laterDefault: ['resolution: int = 8', 'resolution: int = 9'],
    headers: [],
    failures: [
      {
        at: 'gdf["hex"] = [h3.latlng_to_cell(p.y, p.x, resolution) for p in centroids]',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/h3/api/basic_str/__init__.py", line 180, in latlng_to_cell',
          '    return _in_scalar(_cy.latlng_to_cell(lat, lng, res))',
          '  File "h3/_cy/latlng.pyx", line 41, in h3._cy.latlng.latlng_to_cell',
        ],
        error: 'h3._cy.error_system.H3LatLngDomainError: Latitude or longitude arguments were outside of acceptable range',
      },
      {
        at: 'centroids = gdf.geometry.centroid',
        preamble: '/usr/local/lib/python3.11/site-packages/geopandas/geoseries.py:751: UserWarning: Geometry is in a geographic CRS. Results from \'centroid\' are likely incorrect.\n',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/pandas/core/generic.py", line 6299, in __getattr__',
          '    return object.__getattribute__(self, name)',
        ],
        error: "AttributeError: 'DataFrame' object has no attribute 'geometry'",
      },
    ],
    parameters: (rng) => ({ ...tile(rng), resolution: rng.pick([7, 8, 9]) }),
    stdout: (rng) => `${rng.int(10, 5000)} hexagons at resolution ${rng.pick([7, 8, 9])}\n`,
  },

  ml: {
    code: [
      '@fused.udf',
      'def udf(bbox: fused.types.TileGDF = None, model_uri: str = "s3://fused-users/models/crop_rf_v3.joblib", threshold: float = 0.5):',
      '    """{{DESC}}"""',
      '    import joblib',
      '    import numpy as np',
      '    from utils import load_features',
      '',
      '    features = load_features(bbox)',
      '    model = joblib.load(fused.download(model_uri, "model.joblib"))',
      '    proba = model.predict_proba(features.reshape(-1, features.shape[-1]))[:, 1]',
      '    mask = (proba >= threshold).reshape(features.shape[:2])',
      '    print(f"positive pixels: {mask.mean():.1%}")',
      '    return (mask * 255).astype(np.uint8)',
    ],
    laterDefault: ['threshold: float = 0.5', 'threshold: float = 0.65'],
    headers: [
      {
        module_name: 'utils',
        source_file: 'utils.py',
        lines: [
          'import numpy as np',
          'import fused',
          '',
          '',
          'def load_features(bbox):',
          '    arr = fused.utils.common.read_tiff(bbox, "s3://fused-users/features/s2_indices.tif")',
          '    return np.moveaxis(arr, 0, -1)',
        ],
      },
    ],
    failures: [
      {
        at: 'features = load_features(bbox)',
        inHeader: ['utils', 'arr = fused.utils.common.read_tiff(', 'load_features'],
        libraryFrames: [
          '  File "/opt/fused/utils/common.py", line 412, in read_tiff',
          '    with rasterio.open(tiff_path) as src:',
        ],
        error: "rasterio.errors.RasterioIOError: '/vsis3/fused-users/features/s2_indices.tif' not recognized as a supported file format.",
      },
      {
        at: 'proba = model.predict_proba(',
        libraryFrames: [
          '  File "/usr/local/lib/python3.11/site-packages/sklearn/ensemble/_forest.py", line 865, in predict_proba',
          '    X = self._validate_X_predict(X)',
          '  File "/usr/local/lib/python3.11/site-packages/sklearn/base.py", line 654, in _validate_data',
          '    self._check_n_features(X, reset=reset)',
        ],
        error: 'ValueError: X has 9 features, but RandomForestClassifier is expecting 12 features as input.',
      },
    ],
    parameters: (rng) => ({ ...tile(rng), threshold: rng.pick([0.4, 0.5, 0.6]) }),
    stdout: (rng) =>
      `\u001b[32m2025-01-01 00:00:00.000\u001b[0m | \u001b[1mINFO    \u001b[0m | \u001b[36mutils\u001b[0m:\u001b[36mload_features\u001b[0m - loaded 12 bands\n` +
      `positive pixels: ${rng.float(0, 60).toFixed(1)}%\n`,
  },

  hello: {
    code: [
      '@fused.udf',
      'def udf(name: str = "world", n: int = 3):',
      '    """{{DESC}}"""',
      '    import pandas as pd',
      '',
      '    greetings = [f"Hello, {name}! 👋" for _ in range(n)]',
      '    print("こんにちは • مرحبا • שלום • 🚀")',
      '    return pd.DataFrame({"greeting": greetings, "i": range(n)})',
    ],
    laterDefault: ['n: int = 3', 'n: int = 5'],
    headers: [],
    failures: [
      {
        at: 'greetings = [f"Hello, {name}! 👋" for _ in range(n)]',
        libraryFrames: [],
        error: "TypeError: 'str' object cannot be interpreted as an integer",
      },
    ],
    parameters: (rng) => ({ name: rng.pick(['world', 'Ada', '世界', 'عالم']), n: rng.int(1, 5) }),
    stdout: () => 'こんにちは • مرحبا • שלום • 🚀\n✅ done\n',
  },
};

export interface UdfSpec {
  name: string;
  template: TemplateKind;
  /** Key of the owning demo user (see users.ts). */
  owner: string;
  description: string;
  /** true: udf_data is the SDK's serialized UDF JSON; false: plain Python code. */
  json: boolean;
  /** Share the UDF through a shared link (shared_token `fsh_…`). */
  shared: boolean;
  /** Probability that a run raises a Python error. */
  failureRate: number;
  /** How often the UDF is run relative to others. */
  popularity: number;
}

// Dozens of UDFs across two teams. `census_join` exists twice (two udf_ids, same name):
// Ada's original and Grace's fork, both in the Mercator Labs environment.
export const UDF_SPECS: UdfSpec[] = [
  { name: 'sentinel_tile', template: 'stac', owner: 'ada', description: 'Sentinel-2 true colour mosaic for a map tile', json: true, shared: true, failureRate: 0.08, popularity: 9 },
  { name: 'landsat_ndvi', template: 'stac', owner: 'ada', description: 'Landsat 8/9 NDVI median composite', json: true, shared: false, failureRate: 0.12, popularity: 4 },
  { name: 'overture_buildings', template: 'overture', owner: 'ada', description: 'Overture Maps building footprints clipped to the tile', json: true, shared: true, failureRate: 0.05, popularity: 10 },
  { name: 'dem_hillshade', template: 'dem', owner: 'ada', description: 'Hillshade from the Copernicus 30 m DEM', json: true, shared: false, failureRate: 0.04, popularity: 6 },
  { name: 'census_join', template: 'census', owner: 'ada', description: 'ACS 5-year estimates joined to census tracts', json: true, shared: false, failureRate: 0.15, popularity: 5 },
  { name: 'flaky_geocoder', template: 'http', owner: 'ada', description: 'Geocode an address with Nominatim (rate limited!)', json: false, shared: false, failureRate: 0.45, popularity: 5 },
  { name: 'hello_world', template: 'hello', owner: 'ada', description: 'Smallest possible UDF', json: false, shared: true, failureRate: 0.02, popularity: 3 },
  { name: 'nyc_taxi_trips', template: 'duckdb', owner: 'ada', description: 'NYC yellow taxi trips for a month via DuckDB', json: true, shared: false, failureRate: 0.07, popularity: 4 },
  { name: 'crop_classifier', template: 'ml', owner: 'ada', description: 'Random-forest crop mask from Sentinel-2 indices', json: true, shared: false, failureRate: 0.2, popularity: 3 },
  { name: 'h3_building_density', template: 'h3', owner: 'ada', description: 'Building counts per H3 cell', json: true, shared: false, failureRate: 0.06, popularity: 4 },
  { name: 'osm_roads', template: 'overture', owner: 'ada', description: 'Road segments from the Overture transportation theme', json: false, shared: false, failureRate: 0.05, popularity: 2 },
  { name: 'dem_slope', template: 'dem', owner: 'ada', description: 'Slope in degrees from the Copernicus DEM', json: false, shared: false, failureRate: 0.03, popularity: 2 },
  { name: 'census_join', template: 'census', owner: 'grace', description: "Grace's fork of census_join with median income", json: true, shared: false, failureRate: 0.1, popularity: 3 },
  { name: 'naip_rgb', template: 'stac', owner: 'grace', description: 'NAIP 60 cm aerial imagery', json: true, shared: true, failureRate: 0.06, popularity: 5 },
  { name: 'overture_places', template: 'overture', owner: 'grace', description: 'Points of interest from Overture places', json: true, shared: false, failureRate: 0.04, popularity: 5 },
  { name: 'county_stats', template: 'census', owner: 'grace', description: 'County-level population statistics', json: false, shared: false, failureRate: 0.05, popularity: 3 },
  { name: 'flood_risk_model', template: 'ml', owner: 'grace', description: 'Flood susceptibility classifier', json: true, shared: false, failureRate: 0.18, popularity: 3 },
  { name: 'contour_lines', template: 'dem', owner: 'grace', description: '10 m contour lines from the DEM', json: true, shared: false, failureRate: 0.05, popularity: 2 },
  { name: 'weather_api', template: 'http', owner: 'linus', description: 'Current weather for a place name', json: false, shared: true, failureRate: 0.25, popularity: 4 },
  { name: 'h3_population', template: 'h3', owner: 'linus', description: 'Population per H3 cell from WorldPop', json: true, shared: false, failureRate: 0.05, popularity: 4 },
  { name: 'flights_delay', template: 'duckdb', owner: 'linus', description: 'Flight delays by airport from parquet', json: true, shared: false, failureRate: 0.09, popularity: 3 },
  { name: 'sentinel1_sar', template: 'stac', owner: 'linus', description: 'Sentinel-1 SAR backscatter (VV)', json: true, shared: false, failureRate: 0.1, popularity: 2 },
  { name: 'msft_buildings', template: 'overture', owner: 'hedy', description: 'Microsoft building footprints', json: true, shared: true, failureRate: 0.05, popularity: 8 },
  { name: 'modis_lst', template: 'stac', owner: 'hedy', description: 'MODIS land surface temperature', json: true, shared: false, failureRate: 0.1, popularity: 4 },
  { name: 'solar_potential', template: 'ml', owner: 'hedy', description: 'Rooftop solar potential per building', json: true, shared: false, failureRate: 0.12, popularity: 5 },
  { name: 'zip_demographics', template: 'census', owner: 'hedy', description: 'Demographics by ZIP code tabulation area', json: false, shared: false, failureRate: 0.06, popularity: 3 },
  { name: 'air_quality_sensors', template: 'duckdb', owner: 'hedy', description: 'PurpleAir sensor readings', json: true, shared: false, failureRate: 0.08, popularity: 4 },
  { name: 'isochrones_api', template: 'http', owner: 'alan', description: 'Drive-time isochrones from an external API', json: true, shared: true, failureRate: 0.3, popularity: 4 },
  { name: 'wildfire_perimeters', template: 'overture', owner: 'alan', description: 'Active wildfire perimeters (NIFC)', json: true, shared: false, failureRate: 0.07, popularity: 3 },
  { name: 'tree_canopy', template: 'ml', owner: 'alan', description: 'Tree canopy segmentation', json: true, shared: false, failureRate: 0.15, popularity: 3 },
  { name: 'lulc_stats', template: 'h3', owner: 'alan', description: 'Land use / land cover statistics per hexagon', json: false, shared: false, failureRate: 0.05, popularity: 2 },
  { name: 'ship_ais_tracks', template: 'duckdb', owner: 'katherine', description: 'AIS vessel tracks for a day', json: true, shared: false, failureRate: 0.1, popularity: 4 },
  { name: 'elevation_profile', template: 'dem', owner: 'katherine', description: 'Elevation profile along a line', json: true, shared: false, failureRate: 0.05, popularity: 2 },
  { name: 'gtfs_transit', template: 'duckdb', owner: 'katherine', description: 'GTFS stops and routes', json: false, shared: false, failureRate: 0.06, popularity: 2 },
  { name: 'parcel_lookup', template: 'http', owner: 'katherine', description: 'Parcel lookup by address', json: true, shared: false, failureRate: 0.2, popularity: 2 },
  { name: 'noise_map', template: 'h3', owner: 'hedy', description: 'Road noise exposure per hexagon', json: true, shared: false, failureRate: 0.04, popularity: 1 },
];
